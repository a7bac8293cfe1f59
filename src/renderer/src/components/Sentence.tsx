// A status sentence from the gateway; `backticked` parts (commands to run) are shown as code.
import { sentenceParts } from '../channels-model';

export function Sentence(props: { text: string }) {
  return (
    <>
      {sentenceParts(props.text).map((part, i) => (part.code ? <code key={i}>{part.text}</code> : part.text))}
    </>
  );
}
