/**
 * A keyed collection in order of last use, with O(1) get, touch (move to the end),
 * delete and peek at the oldest. A plain Map kept in order by delete-and-set leaves
 * deleted slots at its front that every scan from the front must skip until the table is
 * rehashed; with tens of thousands of groups touched per second that made each expiry
 * sweep walk thousands of dead slots. A linked list beside the Map does not.
 */

interface Node<K, V> {
  readonly key: K;
  value: V;
  prev: Node<K, V> | null;
  next: Node<K, V> | null;
}

/**
 * Keys with values, oldest first.
 *
 * @example
 * const r = new RecencyList<string, number>();
 * r.set('a', 1); r.set('b', 2); r.touch('a');
 * r.oldest(); // ['b', 2]
 */
export class RecencyList<K, V> {
  private readonly nodes = new Map<K, Node<K, V>>();
  private head: Node<K, V> | null = null;
  private tail: Node<K, V> | null = null;

  get size(): number {
    return this.nodes.size;
  }

  get(key: K): V | undefined {
    return this.nodes.get(key)?.value;
  }

  /** Sets the value and makes the key the newest. */
  set(key: K, value: V): void {
    const node = this.nodes.get(key);
    if (node) {
      node.value = value;
      this.moveToEnd(node);
      return;
    }
    const fresh: Node<K, V> = { key, value, prev: this.tail, next: null };
    if (this.tail) this.tail.next = fresh;
    else this.head = fresh;
    this.tail = fresh;
    this.nodes.set(key, fresh);
  }

  /** Makes an existing key the newest; no-op for an absent key. */
  touch(key: K): void {
    const node = this.nodes.get(key);
    if (node) this.moveToEnd(node);
  }

  delete(key: K): boolean {
    const node = this.nodes.get(key);
    if (!node) return false;
    this.unlink(node);
    this.nodes.delete(key);
    return true;
  }

  /** The oldest entry, or undefined when empty. */
  oldest(): [K, V] | undefined {
    return this.head ? [this.head.key, this.head.value] : undefined;
  }

  /** Values oldest first (a snapshot: deleting while iterating is safe). */
  values(): V[] {
    const out: V[] = [];
    for (let n = this.head; n; n = n.next) out.push(n.value);
    return out;
  }

  private moveToEnd(node: Node<K, V>): void {
    if (this.tail === node) return;
    this.unlink(node);
    node.prev = this.tail;
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
  }

  private unlink(node: Node<K, V>): void {
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = null;
    node.next = null;
  }
}
