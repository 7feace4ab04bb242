export {
  PlatformClient,
  HttpError,
  TERMINAL_STATUSES,
  type Endpoints,
  type OrderView,
  type OrderTimeline,
  type OrderPagePreparing,
  type CustomerOrders,
  type DailySales,
  type ViewPosition,
  type Email,
  type OrderRequest,
} from './client';
