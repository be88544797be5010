#include "model_runner/kernels/extra_ops.h"

#include "model_runner/kernels/add_n.h"
#include "model_runner/kernels/broadcast_to.h"
#include "model_runner/kernels/dynamic_update_slice.h"
#include "model_runner/kernels/elementwise_unary.h"
#include "model_runner/kernels/embedding_lookup.h"
#include "model_runner/kernels/floor_div.h"
#include "model_runner/kernels/gather_nd.h"
#include "model_runner/kernels/l2_pool_2d.h"
#include "model_runner/kernels/mean.h"
#include "model_runner/kernels/reverse_v2.h"
#include "model_runner/kernels/transcendental.h"

namespace tinyscope::runner::kernels {

Status addExtraOps(OpResolver& resolver) {
  const OpRegistration registrations[] = {
      registerCeil(),
      registerRound(),
      registerSquare(),
      registerSin(),
      registerCos(),
      registerFloorDiv(),
      registerFloorMod(),
      registerReduceMin(),
      registerAddN(),
      registerBroadcastTo(),
      registerBroadcastArgs(),
      registerGatherNd(),
      registerReverseV2(),
      registerL2Pool2d(),
      registerEmbeddingLookup(),
      registerDynamicUpdateSlice(),
  };
  for (const OpRegistration& r : registrations) {
    const Status s = resolver.add(r);
    if (s != Status::kOk) return s;
  }
  return Status::kOk;
}

}  // namespace tinyscope::runner::kernels
