/** Placeholder until its page lands. */
export default function Page() {
  return <p>青苗</p>;
}
