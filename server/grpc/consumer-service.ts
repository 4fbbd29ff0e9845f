import type { Logger } from '../../shared/log';
import type { ConsumerManager } from '../consumers/consumer-manager';
import { pageSize, parseLabelSelector } from '../validation';
import { InvalidArgumentError } from '../errors';
import { consumerToProto, historyEventToProto, timeRange } from './convert';

const MAX_HISTORY_TYPES = 100;
import { unary } from './status';
import type { ConsumerServiceHandlers } from '../../protos/generated/taskplane/v1/ConsumerService';

/** ConsumerService: translates messages and statuses; the logic is ConsumerManager's. */
export function consumerServiceHandlers(consumers: ConsumerManager, logger: Logger): ConsumerServiceHandlers {
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
      const range = timeRange('event_time', req.eventTimeFrom, req.eventTimeTo);
      if (req.types.length > MAX_HISTORY_TYPES) throw new InvalidArgumentError('types', `has ${req.types.length} entries; at most ${MAX_HISTORY_TYPES} are allowed`);
      const filter = { types: req.types, eventTimeFrom: range.from, eventTimeTo: range.to };
      const page = await consumers.history(req.consumerId, filter, pageSize('page_size', req.pageSize), req.pageToken);
      return { events: page.events.map(historyEventToProto), nextPageToken: page.nextPageToken };
    }),
  };
}
