/** What a producer tells of its Redis connection (`fromBullmq(...).redis$`). */
export interface RedisStatus {
  /** `down`: the connection closed (adds wait, up to `outageWaitMs`); `up`: it is back. */
  readonly type: 'down' | 'up';
  readonly queue: string;
  /** Clock time it was seen. */
  readonly at: number;
}
