import type { ConsumerManager } from '../consumers/consumer-manager';
import type { ConsumerTimeline } from '../consumers/consumer-timeline';
import { pageSize } from '../validation';
import { parseConsumerSelector } from '../consumers/selector';
import { InvalidArgumentError } from '../errors';
import { consumerToProto, durationToMs, historyEventToProto, timeRange, timelineEntryToProto, timestampToMs } from './convert';
import { msToTimestamp } from '../../common/proto-time';
import type { GuardedService } from './auth';
import type { ConsumerServiceHandlers } from '../../protos/generated/taskplane/v1/ConsumerService';
import type { RegisterConsumerRequest__Output } from '../../protos/generated/taskplane/v1/RegisterConsumerRequest';
import type { GetConsumerRequest__Output } from '../../protos/generated/taskplane/v1/GetConsumerRequest';
import type { ListConsumersRequest__Output } from '../../protos/generated/taskplane/v1/ListConsumersRequest';
import type { DeleteConsumerRequest__Output } from '../../protos/generated/taskplane/v1/DeleteConsumerRequest';
import type { ListConsumerHistoryRequest__Output } from '../../protos/generated/taskplane/v1/ListConsumerHistoryRequest';
import type { RotateConsumerCredentialRequest__Output } from '../../protos/generated/taskplane/v1/RotateConsumerCredentialRequest';
import type { RevokeConsumerCredentialRequest__Output } from '../../protos/generated/taskplane/v1/RevokeConsumerCredentialRequest';
import type { GetConsumerTimelineRequest__Output } from '../../protos/generated/taskplane/v1/GetConsumerTimelineRequest';

const MAX_HISTORY_TYPES = 100;

/** ConsumerService: translates messages and statuses; the logic is ConsumerManager's. Every handler is guarded (auth.ts). */
export function consumerServiceHandlers(consumers: ConsumerManager, timeline: ConsumerTimeline, edge: GuardedService): ConsumerServiceHandlers {
  return {
    RegisterConsumer: edge.unary('RegisterConsumer', async (req: RegisterConsumerRequest__Output, caller) => {
      const { consumer, credential } = await consumers.register({ consumerId: req.consumerId, displayName: req.displayName, labels: req.labels }, caller);
      return { consumer: consumerToProto(consumer), credential };
    }),

    GetConsumer: edge.unary('GetConsumer', async (req: GetConsumerRequest__Output) => ({ consumer: consumerToProto(await consumers.get(req.consumerId)) })),

    ListConsumers: edge.unary('ListConsumers', async (req: ListConsumersRequest__Output) => {
      const selector = parseConsumerSelector('label_selector', req.labelSelector, 'consumer_id_pattern', req.consumerIdPattern);
      const page = await consumers.list(selector, pageSize('page_size', req.pageSize), req.pageToken);
      return { consumers: page.consumers.map(consumerToProto), nextPageToken: page.nextPageToken };
    }),

    DeleteConsumer: edge.unary('DeleteConsumer', async (req: DeleteConsumerRequest__Output, caller) => {
      const { pausedScheduleIds } = await consumers.delete(req.consumerId, req.force, caller);
      return { pausedScheduleIds };
    }),

    ListConsumerHistory: edge.unary('ListConsumerHistory', async (req: ListConsumerHistoryRequest__Output) => {
      const range = timeRange('event_time', req.eventTimeFrom, req.eventTimeTo);
      if (req.types.length > MAX_HISTORY_TYPES) throw new InvalidArgumentError('types', `has ${req.types.length} entries; at most ${MAX_HISTORY_TYPES} are allowed`);
      const filter = { types: req.types, eventTimeFrom: range.from, eventTimeTo: range.to };
      const page = await consumers.history(req.consumerId, filter, pageSize('page_size', req.pageSize), req.pageToken);
      return { events: page.events.map(historyEventToProto), nextPageToken: page.nextPageToken };
    }),

    RotateConsumerCredential: edge.unary('RotateConsumerCredential', async (req: RotateConsumerCredentialRequest__Output, caller) => {
      const graceMs = durationToMs('grace_duration', req.graceDuration);
      const rotated = await consumers.rotateCredential(req.consumerId, graceMs, caller);
      return { consumer: consumerToProto(rotated.consumer), credential: rotated.credential, previousCredentialExpireTime: msToTimestamp(rotated.previousExpireTime) };
    }),

    RevokeConsumerCredential: edge.unary('RevokeConsumerCredential', async (req: RevokeConsumerCredentialRequest__Output, caller) => ({
      consumer: consumerToProto(await consumers.revokeCredential(req.consumerId, req.previousOnly, caller)),
    })),

    GetConsumerTimeline: edge.unary('GetConsumerTimeline', async (req: GetConsumerTimelineRequest__Output) => {
      const page = await timeline.page({
        consumerId: req.consumerId,
        beforeTime: timestampToMs('before_time', req.beforeTime),
        afterTime: timestampToMs('after_time', req.afterTime),
        pageSize: pageSize('page_size', req.pageSize),
        pageToken: req.pageToken,
      });
      return { entries: page.entries.map(timelineEntryToProto), olderPageToken: page.olderPageToken, newerPageToken: page.newerPageToken };
    }),
  };
}
