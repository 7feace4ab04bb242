import { topicsConsumedBy } from '@order-platform/contracts';
import type { ConsumerDefinition } from '@order-platform/service-kit';
import { LIVE_SCHEMA } from '../views/view';
import { liveViewsFor } from './live-views';
import { projectionHandlers } from './projector';

/** The live projector's consumer group. */
export const PROJECTOR_GROUP = 'views';

/**
 * One consumer group reads every topic the read side consumes, from offset 0, and
 * projects each event into every live view that wants it, in one transaction per batch.
 */
export function projectorConsumers(batchSize: number): ConsumerDefinition[] {
  return [
    {
      groupId: PROJECTOR_GROUP,
      handlers: projectionHandlers(
        { schema: LIVE_SCHEMA, views: liveViewsFor },
        topicsConsumedBy('views').map((t) => t.topic),
      ),
      batchSize,
    },
  ];
}
