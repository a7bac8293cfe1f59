import { describe, expect, it } from 'vitest';
import { parseReply } from './reply';

describe('parseReply: the silent token', () => {
  it.each(['NO_REPLY', '  NO_REPLY\n', '**NO_REPLY**', '`NO_REPLY`', '*NO_REPLY*', '```NO_REPLY```', ''])(
    '%j sends nothing',
    (raw) => {
      expect(parseReply(raw)).toEqual({ silent: true, text: '', media: [] });
    },
  );

  it('is silent when the token closes or opens the reply and nothing else remains', () => {
    expect(parseReply('\n\nNO_REPLY\n\n').silent).toBe(true);
    expect(parseReply('NO_REPLY\n\n**NO_REPLY**').silent).toBe(true);
  });

  it('drops a token line at either end but keeps the rest of the text', () => {
    expect(parseReply('Thanks, noted.\n\nNO_REPLY')).toEqual({
      silent: false,
      text: 'Thanks, noted.',
      media: [],
    });
    expect(parseReply('**NO_REPLY**\nActually: see you at 8')).toEqual({
      silent: false,
      text: 'Actually: see you at 8',
      media: [],
    });
  });

  it('leaves the token alone inside a sentence or the middle of a reply', () => {
    expect(parseReply('Say NO_REPLY to stay quiet').text).toBe('Say NO_REPLY to stay quiet');
    expect(parseReply('a\nNO_REPLY\nb')).toEqual({ silent: false, text: 'a\nNO_REPLY\nb', media: [] });
    expect(parseReply('NO_REPLY please').silent).toBe(false);
  });
});

describe('parseReply: MEDIA lines', () => {
  it('takes MEDIA lines out of the text, in order, with quotes and backticks unwrapped', () => {
    const raw = [
      'Here is the chart.',
      'MEDIA: /tmp/chart.png',
      'media:https://example.com/a.jpg',
      '  Media: "/tmp/with space.pdf"  ',
      'MEDIA: `./voice.ogg`',
      "MEDIA: '<nested>'",
      'MEDIA:',
      'Enjoy!',
    ].join('\n');
    expect(parseReply(raw)).toEqual({
      silent: false,
      text: 'Here is the chart.\nEnjoy!',
      media: [
        '/tmp/chart.png',
        'https://example.com/a.jpg',
        '/tmp/with space.pdf',
        './voice.ogg',
        '<nested>',
      ],
    });
  });

  it('a reply of only media is not silent', () => {
    expect(parseReply('MEDIA: /tmp/a.png')).toEqual({ silent: false, text: '', media: ['/tmp/a.png'] });
    expect(parseReply('NO_REPLY\nMEDIA: /tmp/a.png')).toEqual({
      silent: false,
      text: '',
      media: ['/tmp/a.png'],
    });
  });

  it('leaves MEDIA lines inside a code block and mid-line mentions as text', () => {
    const raw = 'Write it like this:\n```\nMEDIA: /path/to/file\n```\nor mention MEDIA: inline.';
    expect(parseReply(raw)).toEqual({ silent: false, text: raw, media: [] });
  });
});

describe('parseReply: tidying', () => {
  it('trims and collapses runs of blank lines (also ones holding spaces) into one', () => {
    const raw = '\r\n  \nFirst\r\n\r\n\r\n   \n\nSecond  \nMEDIA: x.png\n\n\nThird\n\n';
    expect(parseReply(raw).text).toBe('First\n\nSecond\n\nThird');
  });
});
