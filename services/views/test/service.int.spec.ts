import { describeServiceContract } from '@order-platform/testing';

describeServiceContract({ service: 'views', role: 'views' });
