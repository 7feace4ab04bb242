import { describeServiceContract } from '@order-platform/testing';

describeServiceContract({
  service: 'email',
  role: 'email',
  extraEnv: (stack) => ({ SMTP_HOST: stack.smtp.host, SMTP_PORT: String(stack.smtp.port) }),
});
