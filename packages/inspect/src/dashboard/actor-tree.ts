/**
 * The actor tree as the page draws it: one node per system, balancer, pool and worker, each
 * with its state now. Changes are told as they happen (a node set differently, a node gone), so
 * the page is sent what changed, never the tree again.
 */

import type { Action } from './control-actions.js';

/** What kind of actor a node is (`member`: a balancer's member known only by its snapshot). */
export type NodeKind = 'system' | 'balancer' | 'pool' | 'worker' | 'member';

/** One actor of the tree, as plain data. */
export interface ActorNode {
  /** `<kind>:<name>`, a worker `worker:<pool>/<worker id>`, a member `member:<balancer>/<name>`. */
  readonly id: string;
  readonly parent: string | null;
  readonly kind: NodeKind;
  readonly name: string;
  /** Its lifecycle state now (a worker's machine state, a pool's top-level state). */
  readonly state: string;
  /** A line of figures: size, workers, queue, paused, health. */
  readonly detail: string;
  /** For each machine chart it appears in (`pool`, `worker`, `system`, `health`): the ids of its active states. */
  readonly machines: Readonly<Record<string, readonly string[]>>;
  /** The page's controls that act on it (on pools whose handle the dashboard holds; else none). */
  readonly controls: readonly Action[];
}

/** A change of the tree. */
export type TreeChange =
  | { readonly type: 'node'; readonly node: ActorNode }
  | { readonly type: 'node-removed'; readonly id: string };

export class ActorTree {
  readonly #nodes = new Map<string, { node: ActorNode; json: string }>();

  constructor(private readonly changed: (change: TreeChange) => void) {}

  get(id: string): ActorNode | undefined {
    return this.#nodes.get(id)?.node;
  }

  /** Adds or replaces the node of its id; tells only if something differs. */
  set(node: ActorNode): void {
    const json = JSON.stringify(node);
    if (this.#nodes.get(node.id)?.json === json) return;
    this.#nodes.set(node.id, { node, json });
    this.changed({ type: 'node', node });
  }

  /** Changes some fields of a node there is. */
  update(id: string, fields: Partial<Omit<ActorNode, 'id'>>): void {
    const node = this.get(id);
    if (node !== undefined) this.set({ ...node, ...fields });
  }

  /** Removes a node and everything under it. */
  remove(id: string): void {
    if (!this.#nodes.has(id)) return;
    for (const { node } of [...this.#nodes.values()]) {
      if (node.parent === id) this.remove(node.id);
    }
    this.#nodes.delete(id);
    this.changed({ type: 'node-removed', id });
  }

  /** Makes the children of `parent` of kind `kind` exactly `nodes`: new ones set, missing ones removed. */
  setChildren(parent: string, kind: NodeKind, nodes: readonly ActorNode[]): void {
    const keep = new Set(nodes.map((node) => node.id));
    for (const { node } of [...this.#nodes.values()]) {
      if (node.parent === parent && node.kind === kind && !keep.has(node.id)) this.remove(node.id);
    }
    for (const node of nodes) this.set(node);
  }

  /** Every node, in the order they were first set. */
  list(): ActorNode[] {
    return [...this.#nodes.values()].map(({ node }) => node);
  }
}
