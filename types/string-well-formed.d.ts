// Node 20 has String.prototype.isWellFormed; the ES2024 lib that declares it would also admit APIs Node 20 lacks.
interface String {
  isWellFormed(): boolean;
}
