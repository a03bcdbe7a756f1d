// dagrad's version, as package.json has it (a test keeps the two equal). A
// constant rather than a read of package.json, so browser code can name it.
export const VERSION = "0.1.0";
