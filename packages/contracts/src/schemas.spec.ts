import { type Schema, Type } from 'avsc';
import { describe, expect, it } from 'vitest';
import { ENVELOPE_FIELDS, TOPICS } from './catalogue';
import { anEvent } from './testing';

/** A JSON view of an Avro schema, enough to walk it. */
interface AvroField {
  name: string;
  type: AvroType;
  doc?: string;
  default?: unknown;
}
type AvroType =
  | string
  | AvroType[]
  | {
      type: string;
      name?: string;
      doc?: string;
      logicalType?: string;
      fields?: AvroField[];
      items?: AvroType;
      values?: AvroType;
      symbols?: string[];
    };

interface Visit {
  /** Dotted path of the field the type belongs to. */
  path: string;
  type: AvroType;
}

/** Every type in a schema, with the field path it sits under, depth first. */
function typesOf(type: AvroType, path = ''): Visit[] {
  const here: Visit = { path, type };
  if (typeof type === 'string') return [here];
  if (Array.isArray(type)) return [here, ...type.flatMap((t) => typesOf(t, path))];
  const nested = [
    ...(type.fields ?? []).flatMap((f) => typesOf(f.type, path ? `${path}.${f.name}` : f.name)),
    ...(type.items !== undefined ? typesOf(type.items, `${path}[]`) : []),
    ...(type.values !== undefined ? typesOf(type.values, `${path}{}`) : []),
  ];
  return [here, ...nested];
}

function fieldsOf(type: AvroType, path = ''): { path: string; field: AvroField }[] {
  return typesOf(type, path).flatMap(({ path: at, type: t }) =>
    typeof t === 'object' && !Array.isArray(t) && t.fields
      ? t.fields.map((field) => ({ path: at ? `${at}.${field.name}` : field.name, field }))
      : [],
  );
}

const schemas = TOPICS.map((t) => ({
  topic: t.topic,
  text: t.schema,
  schema: JSON.parse(t.schema) as Exclude<AvroType, string | AvroType[]>,
}));

describe.each(schemas)('schema of $topic', ({ topic, text, schema }) => {
  it('parses with avsc', () => {
    expect(() => Type.forSchema(JSON.parse(text) as Schema)).not.toThrow();
  });

  it('is a documented record named after its topic, in the namespace of its context and major version', () => {
    const [context, event, major] = topic.split('.');
    const pascal = event!.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
    expect(schema.type).toBe('record');
    expect(schema.name).toBe(pascal);
    expect((schema as { namespace?: string }).namespace).toBe(`orderplatform.${context}.${major}`);
    expect(schema.doc?.length).toBeGreaterThan(20);
  });

  it('starts with the common envelope, declared exactly as in every other event', () => {
    const envelope = schema.fields!.slice(0, ENVELOPE_FIELDS.length);
    expect(envelope.map((f) => f.name)).toEqual([...ENVELOPE_FIELDS]);
    const reference = schemas[0]!.schema.fields!.slice(0, ENVELOPE_FIELDS.length);
    expect(envelope).toEqual(reference);
    const byName = Object.fromEntries(envelope.map((f) => [f.name, f.type]));
    expect(byName.eventId).toEqual({ type: 'string', logicalType: 'uuid' });
    expect(byName.occurredAt).toEqual({ type: 'long', logicalType: 'timestamp-millis' });
    expect(byName.aggregateId).toEqual({ type: 'string', logicalType: 'uuid' });
    expect(byName.sequence).toBe('long');
    for (const name of ['eventType', 'correlationId', 'causationId']) expect(byName[name]).toBe('string');
  });

  it('documents every field and every named type', () => {
    const undocumentedFields = fieldsOf(schema)
      .filter(({ field }) => !field.doc?.trim())
      .map(({ path }) => path);
    expect(undocumentedFields).toEqual([]);
    const undocumentedTypes = typesOf(schema)
      .map(({ type }) => type)
      .filter((t): t is Exclude<AvroType, string | AvroType[]> => typeof t === 'object' && !Array.isArray(t))
      .filter((t) => (t.type === 'record' || t.type === 'enum') && !t.doc?.trim())
      .map((t) => t.name);
    expect(undocumentedTypes).toEqual([]);
  });

  it('has no float or double anywhere', () => {
    const floats = typesOf(schema)
      .filter(
        ({ type }) =>
          type === 'float' ||
          type === 'double' ||
          (typeof type === 'object' && !Array.isArray(type) && ['float', 'double'].includes(type.type)),
      )
      .map(({ path }) => path);
    expect(floats).toEqual([]);
  });

  it('keeps money as long minor units next to an ISO currency code', () => {
    const money = fieldsOf(schema).filter(({ field }) => /Minor$/.test(field.name));
    for (const { path, field } of money) expect(field.type, path).toBe('long');
    if (money.length > 0) {
      const currency = schema.fields!.find((f) => f.name === 'currency');
      expect(currency?.type).toBe('string');
      expect(currency?.doc).toMatch(/ISO 4217/);
    }
  });

  it('gives every optional field a null default, so that it can be added compatibly later', () => {
    const optional = fieldsOf(schema).filter(
      ({ field }) => Array.isArray(field.type) && field.type.includes('null'),
    );
    for (const { path, field } of optional) {
      expect((field.type as AvroType[])[0], path).toBe('null');
      expect(field.default, path).toBeNull();
    }
  });

  it('round-trips an event from the builders through Avro', () => {
    const type = Type.forSchema(JSON.parse(text) as Schema);
    const event = anEvent(topic);
    const invalid: string[] = [];
    expect(
      type.isValid(event, { errorHook: (path) => invalid.push(path.join('.')) }),
      invalid.join(', '),
    ).toBe(true);
    expect(type.fromBuffer(type.toBuffer(event))).toEqual(event);
    expect(event.eventType).toBe(schema.name);
  });
});
