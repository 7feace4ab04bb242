import { describeServiceContract } from '@order-platform/testing';

describeServiceContract({
  service: 'payment',
  role: 'payment',
  extraEnv: () => ({ PAYMENT_PROVIDER_URL: 'http://127.0.0.1:3099' }),
});
