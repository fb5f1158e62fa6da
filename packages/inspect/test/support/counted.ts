/**
 * Streams that count their live subscribers: what a test reads to see that everything a
 * dashboard subscribed to was let go.
 */
import { Observable } from 'rxjs';
import type { DashboardBalancer, DashboardPool, DashboardSystem } from '@troupe/inspect';

export class Counted {
  readonly live = new Map<string, number>();

  /** `source`, counting its subscribers under `key`. */
  wrap<T>(key: string, source: Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      this.live.set(key, (this.live.get(key) ?? 0) + 1);
      const inner = source.subscribe(subscriber);
      return () => {
        this.live.set(key, this.live.get(key)! - 1);
        inner.unsubscribe();
      };
    });
  }

  /** Subscribers still live, all streams together. */
  total(): number {
    return [...this.live.values()].reduce((a, b) => a + b, 0);
  }

  pool(pool: DashboardPool): DashboardPool {
    const key = (stream: string) => `${pool.name}.${stream}`;
    return {
      name: pool.name,
      actor: pool.actor,
      state$: this.wrap(key('state$'), pool.state$),
      events$: this.wrap(key('events$'), pool.events$),
      metrics$: this.wrap(key('metrics$'), pool.metrics$),
      getSnapshot: () => pool.getSnapshot(),
      pause: () => pool.pause(),
      resume: () => pool.resume(),
      resize: (size) => pool.resize(size),
      close: (options) => pool.close(options),
    };
  }

  balancer(balancer: DashboardBalancer): DashboardBalancer {
    const key = (stream: string) => `${balancer.name}.${stream}`;
    return {
      name: balancer.name,
      state$: this.wrap(key('state$'), balancer.state$),
      metrics$: this.wrap(key('metrics$'), balancer.metrics$),
      health$: this.wrap(key('health$'), balancer.health$),
      getSnapshot: () => balancer.getSnapshot(),
    };
  }

  /** The system, its members' handles wrapped too (the same wrapper for the same handle). */
  system(system: DashboardSystem): DashboardSystem {
    const pools = new Map<unknown, DashboardPool>();
    const balancers = new Map<unknown, DashboardBalancer>();
    return {
      name: system.name,
      state$: this.wrap('system.state$', system.state$),
      events$: this.wrap('system.events$', system.events$),
      health$: this.wrap('system.health$', system.health$),
      metrics$: this.wrap('system.metrics$', system.metrics$),
      getSnapshot: () => system.getSnapshot(),
      pool: (name) => {
        const handle = system.pool(name);
        if (!pools.has(handle)) pools.set(handle, this.pool(handle));
        return pools.get(handle)!;
      },
      balancer: (name) => {
        const handle = system.balancer(name);
        if (!balancers.has(handle)) balancers.set(handle, this.balancer(handle));
        return balancers.get(handle)!;
      },
    };
  }
}
