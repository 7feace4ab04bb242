import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Logger,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import type { Config } from '../config';
import {
  type Attempt,
  type Charge,
  ChargeLedger,
  type KeyLookup,
  type LedgerStats,
  type Outcome,
} from '../domain/charge-ledger';
import { parseChargeRequest, parseIdempotencyKey } from '../domain/charge-request';
import { PROVIDER_CONFIG } from '../tokens';
import { ResponseDelays } from './response-delays';

export const REPLAYED_HEADER = 'Idempotent-Replayed';

const problem = (status: HttpStatus, error: string, reason: string) =>
  new HttpException({ error, reason }, status);

// A decline is the provider's business answer, not a failed request: it is a 200 like an
// approval (201, a charge was created), so a client's circuit breaker counts only 5xx and
// timeouts as the provider failing.
const statusOf: Record<Outcome['status'], HttpStatus> = {
  approved: HttpStatus.CREATED,
  declined: HttpStatus.OK,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

@Controller('charges')
export class ChargesController {
  private readonly logger = new Logger(ChargesController.name);

  constructor(
    private readonly ledger: ChargeLedger,
    private readonly delays: ResponseDelays,
    @Inject(PROVIDER_CONFIG) private readonly config: Config,
  ) {}

  @Post()
  async charge(
    @Headers('idempotency-key') keyHeader: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Outcome> {
    const key = parseIdempotencyKey(keyHeader);
    if (!key.ok) throw problem(HttpStatus.BAD_REQUEST, 'missing_idempotency_key', key.reason);
    const request = parseChargeRequest(body);
    if (!request.ok) throw problem(HttpStatus.BAD_REQUEST, 'invalid_request', request.reason);

    const decision = this.ledger.charge(key.value, request.value);
    if (decision.kind === 'unknown-token')
      throw problem(HttpStatus.UNPROCESSABLE_ENTITY, 'unknown_token', decision.reason);
    if (decision.kind === 'key-reused')
      throw problem(HttpStatus.CONFLICT, 'idempotency_key_reused', decision.reason);

    const { outcome, replayed, delayMs, attempt } = decision;
    this.logger.log(
      {
        orderId: request.value.orderId,
        idempotencyKey: key.value,
        token: request.value.token,
        attempt,
        replayed,
        delayMs,
        outcome,
      },
      `charge attempt ${attempt} for order ${request.value.orderId}: ${replayed ? 'replayed ' : ''}${outcome.status}`,
    );
    await this.delays.wait(delayMs);
    res.status(statusOf[outcome.status]);
    if (replayed) res.setHeader(REPLAYED_HEADER, 'true');
    return outcome;
  }

  @Get()
  list(@Query('orderId') orderId?: unknown): { charges: Charge[]; attempts: Attempt[] } {
    if (orderId !== undefined && typeof orderId !== 'string') {
      throw problem(HttpStatus.BAD_REQUEST, 'invalid_request', 'give orderId at most once');
    }
    return this.ledger.list(orderId);
  }

  /** What the provider knows of one idempotency key: how a client settles an unknown outcome. */
  @Get('by-key/:key')
  byKey(@Param('key') keyParam: string): KeyLookup {
    const key = parseIdempotencyKey(keyParam);
    if (!key.ok) throw problem(HttpStatus.BAD_REQUEST, 'invalid_request', key.reason);
    return this.ledger.lookup(key.value);
  }

  @Get('stats')
  stats(): LedgerStats {
    return this.ledger.stats();
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  reset(): void {
    if (!this.config.ALLOW_RESET) {
      throw problem(
        HttpStatus.FORBIDDEN,
        'reset_disabled',
        'resetting the ledger needs the setting ALLOW_RESET=true',
      );
    }
    this.ledger.reset();
    this.logger.warn('ledger reset: every charge, attempt and idempotency key forgotten');
  }
}
