import { describe, expect, it } from '@jest/globals';
import { tracingSettings } from './tracing-settings.js';

describe('tracingSettings: off unless the standard OTEL variables name where traces go', () => {
  it('is off with no OTEL variable, or with only a service name or sampler', () => {
    expect(tracingSettings({})).toBeUndefined();
    expect(tracingSettings({ OTEL_SERVICE_NAME: 'hub', OTEL_TRACES_SAMPLER: 'always_on' })).toBeUndefined();
  });

  it('is on with an OTLP endpoint (general or for traces) or a named exporter; the service is samverkan-hub unless named', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({ serviceName: 'samverkan-hub' });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces', OTEL_SERVICE_NAME: 'hub-east' })).toEqual({ serviceName: 'hub-east' });
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'console' })).toEqual({ serviceName: 'samverkan-hub' });
  });

  it('is off with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, whatever the endpoint', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' })).toBeUndefined();
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
  });
});
