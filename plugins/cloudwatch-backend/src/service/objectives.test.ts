import { ConfigReader } from '@backstage/config';
import { objectivesFromConfig, objectivesOfEntity } from './CloudWatchService';

describe('the objectives the charts draw', () => {
  it("are the health plugin's, from health.objectives over seed 002's", () => {
    expect(objectivesFromConfig(new ConfigReader({}))).toEqual({
      availabilityPercent: 99.9,
      latencyP95Ms: 200,
      degradedPercent: 1,
      source: 'the SLO defaults of seed 002',
    });
    expect(
      objectivesFromConfig(
        new ConfigReader({ health: { objectives: { latencyP95Ms: 350 } } }),
      ),
    ).toEqual({
      availabilityPercent: 99.9,
      latencyP95Ms: 350,
      degradedPercent: 1,
      source: 'health.objectives',
    });
  });

  it("follow an entity's stackportal.io/slo-* annotations, and keep the default for a bad one", () => {
    const defaults = objectivesFromConfig(new ConfigReader({}));
    expect(
      objectivesOfEntity(
        {
          'stackportal.io/slo-availability': '99.5',
          'stackportal.io/slo-latency-p95-ms': 'fast',
        },
        defaults,
      ),
    ).toEqual({
      availabilityPercent: 99.5,
      latencyP95Ms: 200,
      degradedPercent: 1,
      source: "the entity's stackportal.io/slo-* annotations",
    });
    expect(objectivesOfEntity(undefined, defaults)).toEqual(defaults);
  });
});
