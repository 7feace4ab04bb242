import { customerOrdersView } from './customer-orders.view';
import { dailySalesView } from './daily-sales.view';
import { orderTimelineView } from './order-timeline.view';
import type { ViewDefinition, ViewName } from './view';

/** Every view the read side keeps. */
export const VIEWS: readonly ViewDefinition[] = [orderTimelineView, customerOrdersView, dailySalesView];

export function isViewName(name: string): name is ViewName {
  return VIEWS.some((v) => v.name === name);
}

/** The view of that name; throws, naming the views there are, for any other. */
export function viewNamed(name: string): ViewDefinition {
  const found = VIEWS.find((v) => v.name === name);
  if (!found) throw new Error(`unknown view "${name}": the views are ${VIEWS.map((v) => v.name).join(', ')}`);
  return found;
}
