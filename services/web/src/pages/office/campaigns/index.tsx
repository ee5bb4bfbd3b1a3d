/** Placeholder until the section lands. */
export default function Section() {
  return <h1>campaigns</h1>;
}
