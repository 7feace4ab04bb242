import { describe, expect, it } from 'vitest';
import { startOrder, stopOrder } from './dependency-order';

const stack = [
  { name: 'postgres', dependencies: [] },
  { name: 'kafka', dependencies: [] },
  { name: 'registry', dependencies: ['postgres'] },
  { name: 'smtp', dependencies: [] },
  { name: 'connect', dependencies: ['kafka'] },
];

describe('the dependency order', () => {
  it('keeps the listed order when it already respects the dependencies', () => {
    expect(startOrder(stack, ['connect', 'smtp', 'registry', 'kafka', 'postgres'])).toEqual([
      'postgres',
      'kafka',
      'registry',
      'smtp',
      'connect',
    ]);
  });

  it('puts a dependency first even when it is listed later', () => {
    const services = [
      { name: 'email', dependencies: ['views'] },
      { name: 'views', dependencies: [] },
    ];
    expect(startOrder(services, ['email', 'views'])).toEqual(['views', 'email']);
  });

  it('leaves out dependencies that were not asked for', () => {
    expect(startOrder(stack, ['connect'])).toEqual(['connect']);
  });

  it('stops dependents first', () => {
    expect(stopOrder(stack, ['postgres', 'registry', 'kafka'])).toEqual(['registry', 'kafka', 'postgres']);
  });

  it('names an unknown component and a cycle', () => {
    expect(() => startOrder(stack, ['zookeeper'])).toThrow('unknown component "zookeeper"');
    const cyclic = [
      { name: 'a', dependencies: ['b'] },
      { name: 'b', dependencies: ['a'] },
    ];
    expect(() => startOrder(cyclic, ['a'])).toThrow('dependency cycle: a -> b -> a');
    expect(() => startOrder([{ name: 'a', dependencies: ['x'] }], ['a'])).toThrow(
      'a depends on unknown component "x"',
    );
  });
});
