import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { PG_POOL, uuidParam } from '@order-platform/service-kit';
import type { Pool } from 'pg';
import { ShipmentsRepository } from '../db/shipments.repository';

/** A shipment as the HTTP API shows it. */
export interface ShipmentView {
  shipmentId: string;
  orderId: string;
  carrier: string;
  trackingNumber: string;
  status: string | null;
  timeline: { status: string; at: string }[];
  nextStatus: string | null;
  nextDueAt: string | null;
  version: number;
}

@Controller('shipments')
export class ShipmentsController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly shipments: ShipmentsRepository,
  ) {}

  @Get(':orderId')
  async get(@Param('orderId', { schema: uuidParam('an order id') }) orderId: string): Promise<ShipmentView> {
    const stored = await this.shipments.findByOrderId(this.pool, orderId);
    if (!stored) throw new NotFoundException(`no shipment for order ${orderId}`);
    const s = stored.snapshot;
    return {
      shipmentId: s.shipmentId,
      orderId: s.orderId,
      carrier: s.carrier,
      trackingNumber: s.trackingNumber,
      status: s.status,
      timeline: s.timeline.map((e) => ({ status: e.status, at: e.at.toISOString() })),
      nextStatus: s.nextStatus,
      nextDueAt: s.nextDueAt?.toISOString() ?? null,
      version: s.version,
    };
  }
}
