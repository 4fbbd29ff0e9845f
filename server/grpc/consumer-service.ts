import type { Logger } from '../log';
import type { ConsumerRegistry } from '../consumers/consumer-registry';
import { pageSize, parseLabelSelector } from '../validation';
import { consumerToProto, historyEventToProto, timestampToMs } from './convert';
import { unary } from './status';
import type { ConsumerServiceHandlers } from '../../protos/generated/taskplane/v1/ConsumerService';

/** ConsumerService: translates messages and statuses; the logic is ConsumerRegistry's. */
export function consumerServiceHandlers(consumers: ConsumerRegistry, logger: Logger): ConsumerServiceHandlers {
  return {
    RegisterConsumer: unary(logger, 'RegisterConsumer', async (req) => {
      const { consumer, credential } = await consumers.register({ consumerId: req.consumerId, displayName: req.displayName, labels: req.labels });
      return { consumer: consumerToProto(consumer), credential };
    }),

    GetConsumer: unary(logger, 'GetConsumer', async (req) => ({ consumer: consumerToProto(await consumers.get(req.consumerId)) })),

    ListConsumers: unary(logger, 'ListConsumers', async (req) => {
      const labels = parseLabelSelector('label_selector', req.labelSelector);
      const page = await consumers.list(labels, pageSize('page_size', req.pageSize), req.pageToken);
      return { consumers: page.consumers.map(consumerToProto), nextPageToken: page.nextPageToken };
    }),

    DeleteConsumer: unary(logger, 'DeleteConsumer', async (req) => {
      await consumers.delete(req.consumerId);
      return {};
    }),

    ListConsumerHistory: unary(logger, 'ListConsumerHistory', async (req) => {
      const filter = {
        types: req.types,
        eventTimeFrom: timestampToMs('event_time_from', req.eventTimeFrom) ?? undefined,
        eventTimeTo: timestampToMs('event_time_to', req.eventTimeTo) ?? undefined,
      };
      const page = await consumers.history(req.consumerId, filter, pageSize('page_size', req.pageSize), req.pageToken);
      return { events: page.events.map(historyEventToProto), nextPageToken: page.nextPageToken };
    }),
  };
}
