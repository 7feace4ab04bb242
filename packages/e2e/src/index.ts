export {
  PlatformClient,
  HttpError,
  TERMINAL_STATUSES,
  type Endpoints,
  type OrderView,
  type Email,
  type OrderRequest,
} from './client';
