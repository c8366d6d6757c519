// The two ends of the handshake as small state machines, shared by the controller's trader
// server and the trader so both sides run exactly the same checks.

import type { z } from 'zod';
import { controllerProof, hexEqual, newNonce, sessionKeys, traderProof } from './auth.ts';
import { ProtocolError, type Decoded } from './errors.ts';
import {
  ControllerMessage,
  TraderMessage,
  type Auth,
  type Challenge,
  type Hello,
} from './schemas.ts';
import { Session } from './session.ts';
import { PROTOCOL_VERSION } from './version.ts';

export type ControllerSession = Session<ControllerMessage, TraderMessage>;
export type TraderSession = Session<TraderMessage, ControllerMessage>;

function versionError(peer: number): ProtocolError {
  return new ProtocolError('version', `peer speaks protocol v${peer}, this side v${PROTOCOL_VERSION}: run the same Parity version on controller and trader`);
}

/** The controller's side: one per connection, with a fresh nonce. */
export class ControllerHandshake {
  private readonly nonce = newNonce();
  private done = false;

  constructor(private readonly secret: string) {}

  challenge(): string {
    const msg: Challenge = { type: 'challenge', v: PROTOCOL_VERSION, nonce: this.nonce };
    return JSON.stringify(msg);
  }

  /** Check the trader's proof; on success, the frame proving the controller and the session. */
  onHello(hello: Hello): Decoded<{ authFrame: string; session: ControllerSession; traderId: string }> {
    if (this.done) return { ok: false, error: new ProtocolError('unexpected', 'second hello on one connection') };
    this.done = true;
    if (hello.v !== PROTOCOL_VERSION) return { ok: false, error: versionError(hello.v) };
    if (hello.nonce === this.nonce) return { ok: false, error: new ProtocolError('auth', 'trader echoed the controller nonce') };
    const want = traderProof(this.secret, this.nonce, hello.nonce, hello.trader_id);
    if (!hexEqual(want, hello.mac)) {
      return { ok: false, error: new ProtocolError('auth', 'trader proof does not verify: wrong TRADER_SECRET or a replayed handshake') };
    }
    const auth: Auth = { type: 'auth', v: PROTOCOL_VERSION, mac: controllerProof(this.secret, this.nonce, hello.nonce, hello.trader_id) };
    const keys = sessionKeys(this.secret, this.nonce, hello.nonce, hello.trader_id);
    const session: ControllerSession = new Session(keys.c2t, keys.t2c, TraderMessage as z.ZodType<TraderMessage>);
    return { ok: true, msg: { authFrame: JSON.stringify(auth), session, traderId: hello.trader_id } };
  }
}

/** The trader's side: one per connection attempt, with a fresh nonce. */
export class TraderHandshake {
  private readonly nonce = newNonce();
  private nonceC: string | null = null;

  constructor(
    private readonly secret: string,
    private readonly traderId: string,
  ) {}

  /** Answer the controller's challenge with this trader's nonce and proof. */
  onChallenge(ch: Challenge): Decoded<string> {
    if (this.nonceC !== null) return { ok: false, error: new ProtocolError('unexpected', 'second challenge on one connection') };
    if (ch.v !== PROTOCOL_VERSION) return { ok: false, error: versionError(ch.v) };
    this.nonceC = ch.nonce;
    const hello: Hello = {
      type: 'hello',
      v: PROTOCOL_VERSION,
      trader_id: this.traderId,
      nonce: this.nonce,
      mac: traderProof(this.secret, ch.nonce, this.nonce, this.traderId),
    };
    return { ok: true, msg: JSON.stringify(hello) };
  }

  /** Verify the controller's proof: until this succeeds the trader trusts nothing it is sent. */
  onAuth(a: Auth): Decoded<TraderSession> {
    if (this.nonceC === null) return { ok: false, error: new ProtocolError('unexpected', 'auth before challenge') };
    if (a.v !== PROTOCOL_VERSION) return { ok: false, error: versionError(a.v) };
    const want = controllerProof(this.secret, this.nonceC, this.nonce, this.traderId);
    if (!hexEqual(want, a.mac)) {
      return { ok: false, error: new ProtocolError('auth', 'controller proof does not verify: the controller does not know TRADER_SECRET (or replayed an old handshake)') };
    }
    const keys = sessionKeys(this.secret, this.nonceC, this.nonce, this.traderId);
    return { ok: true, msg: new Session(keys.t2c, keys.c2t, ControllerMessage as z.ZodType<ControllerMessage>) };
  }
}
