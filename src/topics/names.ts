// Kafka's rules for topic names: 1-249 characters of [a-zA-Z0-9._-], and not "." or "..".

const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** null when the name is legal, else why not. */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return "topic name is empty";
  if (name === "." || name === "..") return `topic name cannot be "${name}"`;
  if (name.length > 249) return "topic name is longer than 249 characters";
  if (!LEGAL.test(name)) return `topic name ${JSON.stringify(name)} has characters outside [a-zA-Z0-9._-]`;
  return null;
}
