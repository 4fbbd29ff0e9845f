import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as TaskProtos } from './generated/task_service';
import type { ProtoGrpcType as ConsumerProtos } from './generated/consumer_service';
import type { ProtoGrpcType as AgentProtos } from './generated/agent_service';
import type { ProtoGrpcType as ScheduleProtos } from './generated/schedule_service';
import type { ProtoGrpcType as ClusterProtos } from './generated/cluster_service';
import type { ProtoGrpcType as SecurityProtos } from './generated/security_service';

/** protos/ in the source tree, whether this file runs from protos/ or dist/protos/. */
export const PROTO_ROOT = path.basename(path.resolve(__dirname, '..')) === 'dist' ? path.resolve(__dirname, '..', '..', 'protos') : __dirname;

export const PROTO_FILES = ['taskplane/v1/task_service.proto', 'taskplane/v1/consumer_service.proto', 'taskplane/v1/agent_service.proto', 'taskplane/v1/schedule_service.proto', 'taskplane/v1/security_service.proto'];

/**
 * The loader options the generated types in protos/generated were made with
 * (see the "generate" script in package.json): keep them in step.
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

export function loadPackageDefinition(): protoLoader.PackageDefinition {
  return protoLoader.loadSync(PROTO_FILES, LOADER_OPTIONS);
}

export type TaskplaneProtos = TaskProtos & ConsumerProtos & AgentProtos & ScheduleProtos & SecurityProtos;

export function loadTaskplaneProtos(definition = loadPackageDefinition()): TaskplaneProtos {
  return grpc.loadPackageDefinition(definition) as unknown as TaskplaneProtos;
}

/** Spoken between servers only: loaded apart, so reflection and the public port never describe it. */
export const CLUSTER_PROTO_FILE = 'taskplane/v1/cluster_service.proto';

export function loadClusterProtos(): ClusterProtos {
  return grpc.loadPackageDefinition(protoLoader.loadSync([CLUSTER_PROTO_FILE], LOADER_OPTIONS)) as unknown as ClusterProtos;
}
