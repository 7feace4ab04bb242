import { describe, expect, it } from 'vitest';
import { catalogueFromEnvironment, faultCatalogue, KILLED } from './catalogue';

describe('the fault catalogue', () => {
  it('kills every process and holds the four long outages at their full length', () => {
    const faults = faultCatalogue();
    expect(faults.filter((f) => f.kind === 'kill').map((f) => f.target)).toEqual([...KILLED]);
    expect(faults.filter((f) => f.kind === 'outage').map((f) => f.name)).toEqual([
      'payment-provider down 180 s',
      'postgres down 60 s',
      'registry down 60 s',
      'views down 300 s',
    ]);
  });

  it('chooses by name and scales the outages', () => {
    const faults = catalogueFromEnvironment({
      FAULTS_ONLY: 'kill kafka,postgres down',
      FAULTS_OUTAGE_SCALE: '0.5',
    });
    expect(faults.map((f) => f.name)).toEqual(['kill kafka', 'postgres down 30 s']);
    expect(faults[1]).toMatchObject({ kind: 'outage', downMs: 30_000 });
  });

  it('refuses a choice that matches nothing and a scale that is not positive', () => {
    expect(() => faultCatalogue({ only: ['kill nothing'] })).toThrow('no fault matches kill nothing');
    expect(() => catalogueFromEnvironment({ FAULTS_OUTAGE_SCALE: 'abc' })).toThrow('positive number');
    expect(() => faultCatalogue({ outageScale: 0 })).toThrow('positive number');
  });
});
