#include "widgets/log_view.h"

#include <QHeaderView>
#include <QScrollBar>

#include "app/core/log_model.h"

namespace tinyscope::ui {

LogView::LogView(LogModel* model, QWidget* parent) : QTableView(parent) {
  setModel(model);
  setSelectionBehavior(QAbstractItemView::SelectRows);
  setWordWrap(false);
  verticalHeader()->hide();
  verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
  horizontalHeader()->setStretchLastSection(true);
  horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  connect(model, &QAbstractItemModel::rowsInserted, this, [this] {
    QScrollBar* bar = verticalScrollBar();
    if (bar->value() >= bar->maximum() - 2) scrollToBottom();
  });
}

}  // namespace tinyscope::ui
