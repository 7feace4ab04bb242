import { describe, expect, it } from 'vitest';
import { renderTemplate } from './template';

describe('the conf templating', () => {
  it('replaces every @NAME@, several on a line', () => {
    expect(
      renderTemplate(
        'listeners=PLAINTEXT://127.0.0.1:@KAFKA_PORT@,CONTROLLER://127.0.0.1:@KAFKA_CONTROLLER_PORT@\nx=@KAFKA_PORT@',
        {
          KAFKA_PORT: '9092',
          KAFKA_CONTROLLER_PORT: '9093',
        },
      ),
    ).toBe('listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093\nx=9092');
  });

  it('fails on a name without a value, naming it and the template', () => {
    expect(() => renderTemplate('port = @PG_PORT@', {}, 'postgresql.conf')).toThrow(
      'postgresql.conf: variable PG_PORT is not set',
    );
  });

  it('leaves text that is not a placeholder alone', () => {
    expect(renderTemplate('a@b.c @lower@ @@ 100%', {})).toBe('a@b.c @lower@ @@ 100%');
  });

  it('does not re-expand a value that looks like a placeholder', () => {
    expect(renderTemplate('@A@', { A: '@B@' })).toBe('@B@');
  });
});
