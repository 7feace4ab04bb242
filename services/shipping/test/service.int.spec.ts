import { describeServiceContract } from '@order-platform/testing';

describeServiceContract({ service: 'shipping', role: 'shipping' });
