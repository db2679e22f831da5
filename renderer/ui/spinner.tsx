/** A decorative spinner; the sentence beside it is what screen readers hear. */
export function Spinner() {
  return <div className="spinner" aria-hidden="true" />;
}
