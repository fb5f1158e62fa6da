/** What a thread worker's resource (`ctx.resource`) tells about its thread. */
export interface ThreadResource {
  /** The thread's `threadId`. */
  readonly threadId: number;
  /** Runs sent to the thread and not answered yet. */
  readonly inFlight: number;
}
