import { describeServiceContract } from '@order-platform/testing';

describeServiceContract({ service: 'basket', role: 'basket' });
