import { describeServiceContract } from '@order-platform/testing';

describeServiceContract({ service: 'order', role: 'orders' });
