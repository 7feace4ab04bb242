/** What dependency ordering needs to know about a component. */
export interface Node {
  readonly name: string;
  readonly dependencies: readonly string[];
}

/**
 * `wanted` in start order: every component after the ones it depends on, otherwise in the
 * order `all` lists them. Dependencies that are not wanted are left out (the caller checks
 * that they run). Throws on a cycle or an unknown name.
 */
export function startOrder(all: readonly Node[], wanted: readonly string[]): string[] {
  const byName = new Map(all.map((n) => [n.name, n]));
  for (const name of wanted) if (!byName.has(name)) throw new Error(`unknown component "${name}"`);
  const want = new Set(wanted);
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (done.has(name)) return;
    if (visiting.has(name)) throw new Error(`dependency cycle: ${[...path, name].join(' -> ')}`);
    const node = byName.get(name);
    if (!node) throw new Error(`${path.at(-1) ?? '?'} depends on unknown component "${name}"`);
    visiting.add(name);
    for (const dependency of node.dependencies) visit(dependency, [...path, name]);
    visiting.delete(name);
    done.add(name);
    if (want.has(name)) order.push(name);
  };
  for (const node of all) if (want.has(node.name)) visit(node.name, []);
  return order;
}

/** The reverse: dependents stop before what they depend on. */
export function stopOrder(all: readonly Node[], wanted: readonly string[]): string[] {
  return startOrder(all, wanted).reverse();
}
