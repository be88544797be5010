#include "model_runner/kernels/layout_ops.h"

#include "model_runner/kernels/arg_min_max.h"
#include "model_runner/kernels/batch_matmul.h"
#include "model_runner/kernels/cumsum.h"
#include "model_runner/kernels/fill_shape.h"
#include "model_runner/kernels/gather.h"
#include "model_runner/kernels/l2_normalization.h"
#include "model_runner/kernels/log_softmax.h"
#include "model_runner/kernels/max_pool_2d.h"
#include "model_runner/kernels/mean.h"
#include "model_runner/kernels/mirror_pad.h"
#include "model_runner/kernels/pad.h"
#include "model_runner/kernels/resize.h"
#include "model_runner/kernels/slice.h"
#include "model_runner/kernels/space_batch.h"
#include "model_runner/kernels/split_pack.h"
#include "model_runner/kernels/squeeze_expand_dims.h"
#include "model_runner/kernels/transpose_conv.h"

namespace tinyscope::runner::kernels {

Status addLayoutOps(OpResolver& resolver) {
  const OpRegistration registrations[] = {
      registerMaxPool2d(),
      registerSqueeze(),
      registerExpandDims(),
      registerSlice(),
      registerSplit(),
      registerSplitV(),
      registerPack(),
      registerUnpack(),
      registerGather(),
      registerShape(),
      registerFill(),
      registerZerosLike(),
      registerSum(),
      registerReduceMax(),
      registerArgMax(),
      registerArgMin(),
      registerPadV2(),
      registerResizeNearestNeighbor(),
      registerResizeBilinear(),
      registerDepthToSpace(),
      registerSpaceToDepth(),
      registerBatchToSpaceNd(),
      registerSpaceToBatchNd(),
      registerMirrorPad(),
      registerL2Normalization(),
      registerCumsum(),
      registerLogSoftmax(),
      registerTransposeConv(),
      registerBatchMatmul(),
  };
  for (const OpRegistration& r : registrations) {
    const Status s = resolver.add(r);
    if (s != Status::kOk) return s;
  }
  return Status::kOk;
}

}  // namespace tinyscope::runner::kernels
