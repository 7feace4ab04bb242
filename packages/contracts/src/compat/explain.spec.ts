import type { Schema } from 'avsc';
import { describe, expect, it } from 'vitest';
import { explainDiffs, fieldAt, parseRegistryDiffs } from './explain';

// What Apicurio 3.3 answers when a version it finds incompatible is registered (captured from the real registry).
const refusal = JSON.stringify({
  message:
    'io.apicurio.registry.rules.violation.RuleViolationException: Incompatible artifact: probe-value [AVRO], num of incompatible diffs: {3}, ' +
    'list of diff types: [reader type: INT not compatible with writer type: STRING at /fields/0/type, z at /fields/1/type/fields/1, [B, C] at /fields/2/type/symbols]',
  error_code: 409,
});

const newSchema = {
  type: 'record',
  name: 'P',
  fields: [
    { name: 'a', type: 'int' },
    {
      name: 'n',
      type: {
        type: 'record',
        name: 'N',
        fields: [
          { name: 'q', type: 'int' },
          { name: 'z', type: 'string' },
        ],
      },
    },
    { name: 'e', type: { type: 'enum', name: 'E', symbols: ['A'] } },
  ],
} as Schema;

describe('explaining the registry’s incompatibilities', () => {
  it('parses each diff with its place in the schema', () => {
    expect(parseRegistryDiffs(refusal)).toEqual([
      { description: 'reader type: INT not compatible with writer type: STRING', path: '/fields/0/type' },
      { description: 'z', path: '/fields/1/type/fields/1' },
      { description: '[B, C]', path: '/fields/2/type/symbols' },
    ]);
    expect(parseRegistryDiffs('{"message":"something else","error_code":500}')).toEqual([]);
  });

  it('names the field a path points at, through nested records', () => {
    expect(fieldAt(newSchema, '/fields/0/type')).toBe('a');
    expect(fieldAt(newSchema, '/fields/1/type/fields/1')).toBe('n.z');
    expect(fieldAt(newSchema, '/type')).toBeUndefined();
  });

  it('says what to do for each kind of incompatibility', () => {
    const [typeChange, missingDefault, removedSymbols] = explainDiffs(refusal, newSchema);
    expect(typeChange).toMatch(/^field "a" \(\/fields\/0\/type\): its type changed from STRING to INT/);
    expect(missingDefault).toMatch(/^field "n.z" .*a new field without a default.*Add a default/);
    expect(removedSymbols).toMatch(/enum symbols \[B, C\] were removed/);
  });
});
