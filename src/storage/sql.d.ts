// SQL files are imported as text (`with { type: "text" }`) so they embed in a compiled binary.
declare module "*.sql" {
  const text: string;
  export default text;
}
