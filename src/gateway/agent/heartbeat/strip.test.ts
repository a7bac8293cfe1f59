// HEARTBEAT_OK on the final text: this is the "non-streamed" path of the issue — the whole answer at once, as a
// non-streaming provider would hand it over. (The gateway's providers always stream and assemble the deltas first;
// test/heartbeat-delivery.test.ts covers that path end to end.)
import { describe, expect, it } from 'vitest';
import { isHeartbeatFileEmpty, stripHeartbeatOk, stripHeartbeatToken } from './strip';

describe('stripHeartbeatOk', () => {
  it.each([
    'HEARTBEAT_OK',
    '  HEARTBEAT_OK\n',
    '**HEARTBEAT_OK**',
    '`HEARTBEAT_OK`',
    '<b>HEARTBEAT_OK</b>',
    '<strong> HEARTBEAT_OK </strong>',
    '_HEARTBEAT_OK_',
    'HEARTBEAT_OK.',
    '',
    '   ',
  ])('delivers nothing for %j', (text) => {
    expect(stripHeartbeatOk(text, 300)).toEqual({ skip: true, text: '' });
  });

  it('drops a short remark beside the token, at the start or the end', () => {
    expect(stripHeartbeatOk('HEARTBEAT_OK all quiet today', 300).skip).toBe(true);
    expect(stripHeartbeatOk('Nothing new.\n\n**HEARTBEAT_OK**', 300).skip).toBe(true);
  });

  it('delivers a remainder longer than ackMaxChars, without the token', () => {
    const alert = 'Your flight leaves in two hours and check-in closes soon.';
    expect(stripHeartbeatOk(`HEARTBEAT_OK ${alert}`, 20)).toEqual({ skip: false, text: alert });
    expect(stripHeartbeatOk(`${alert}\n<b>HEARTBEAT_OK</b>`, 20)).toEqual({ skip: false, text: alert });
  });

  it('delivers an alert without the token whatever its length', () => {
    expect(stripHeartbeatOk('Call mum.', 300)).toEqual({ skip: false, text: 'Call mum.' });
  });

  it('leaves the token alone in the middle of a text and inside other words', () => {
    const mid = 'I would say HEARTBEAT_OK but the door is open.';
    expect(stripHeartbeatOk(mid, 5)).toEqual({ skip: false, text: mid });
    expect(stripHeartbeatToken('HEARTBEAT_OKAY then').stripped).toBe(false);
    expect(stripHeartbeatToken('xHEARTBEAT_OK').stripped).toBe(false);
  });

  it('ackMaxChars 0 delivers any remark', () => {
    expect(stripHeartbeatOk('HEARTBEAT_OK ok', 0)).toEqual({ skip: false, text: 'ok' });
  });
});

describe('isHeartbeatFileEmpty', () => {
  it.each([
    '',
    '\n\n',
    '# Heartbeat\n',
    '# Tasks\n\n## Later\n-\n* \n- [ ]\n1.\n',
    '\uFEFF# Title\n<!-- add checks here -->\n',
  ])('%j has nothing to check', (text) => {
    expect(isHeartbeatFileEmpty(text)).toBe(true);
  });

  it.each(['Check the mailbox', '# Tasks\n- water the plants', '#hashtag is text', '- [ ] call Bob'])(
    '%j has something to check',
    (text) => {
      expect(isHeartbeatFileEmpty(text)).toBe(false);
    },
  );
});
