/** A consumer as the domain sees it. Times are epoch milliseconds. */
export interface ConsumerRecord {
  id: string;
  displayName: string;
  labels: Record<string, string>;
  createTime: number;
  lastSeenTime?: number | null;
  /** Its agent holds a live stream (consumers.session_id is set). */
  online?: boolean;
  /** RevokeConsumerCredential ended its credentials; it cannot connect until a rotation issues a new one. */
  credentialRevoked?: boolean;
  /** Until when the credential replaced by the last rotation still works (null: none). */
  previousCredentialExpireTime?: number | null;
  /** What its agent said in its last hello; null: it never connected. */
  agent?: AgentHelloRecord | null;
}

/** An agent's last hello, as kept per consumer: what CreateTask checks methods against. */
export interface AgentHelloRecord {
  agentVersion: string;
  /** "class.method", sorted. */
  methods: string[];
  helloTime: number;
}

export interface HistoryEventRecord {
  id: number;
  consumerId: string;
  type: string;
  eventTime: number;
  taskId: string | null;
  detailsJson: string;
}

/** History event types written by the server itself; success hooks add their own. */
export const HISTORY_TYPES = {
  REGISTERED: 'registered',
  UNREGISTERED: 'unregistered',
} as const;
