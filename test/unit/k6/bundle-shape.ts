// Test helper: reads a bundled k6 script's shape with the TypeScript parser (which parses any
// syntax, whatever its target): its imports, its exports, and syntax newer than ES2017.
import ts from 'typescript'

export interface BundleShape {
  /** Static imports, dynamic import() and require() specifiers. */
  imports: string[]
  exports: string[]
  /** Syntax k6 v0.45 (goja, ES2017 + Babel) may not run: kind and position. */
  newerThanEs2017: string[]
  topLevelAwait: boolean
}

export function readBundleShape(code: string): BundleShape {
  const file = ts.createSourceFile('script.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS)
  const imports: string[] = []
  const exports: string[] = []
  const newer: string[] = []
  let topLevelAwait = false
  const where = (node: ts.Node): string => {
    const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file))
    return `${line + 1}:${character + 1}`
  }
  const flag = (node: ts.Node, what: string): void => {
    newer.push(`${what} at ${where(node)}`)
  }
  const insideFunction = (node: ts.Node): boolean => {
    for (let parent = node.parent; parent !== undefined; parent = parent.parent) {
      if (ts.isFunctionLike(parent)) return true
    }
    return false
  }
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) imports.push(node.moduleSpecifier.text)
    if (ts.isCallExpression(node)) {
      const argument = node.arguments[0]
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require'
      if ((isImport || isRequire) && argument !== undefined) imports.push(ts.isStringLiteral(argument) ? argument.text : '<dynamic>')
    }
    if (ts.isExportDeclaration(node) && node.exportClause !== undefined && ts.isNamedExports(node.exportClause)) {
      for (const element of node.exportClause.elements) exports.push(element.name.text)
    }
    if (ts.isExportAssignment(node)) exports.push('default')
    const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined
    if (modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) === true) {
      const isDefault = modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)
      if (isDefault) exports.push('default')
      else if (ts.isVariableStatement(node)) {
        for (const declaration of node.declarationList.declarations) if (ts.isIdentifier(declaration.name)) exports.push(declaration.name.text)
      } else if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name !== undefined) exports.push(node.name.text)
    }
    // ES2018+
    if (ts.isSpreadAssignment(node)) flag(node, 'object spread (ES2018)')
    if (ts.isObjectBindingPattern(node) && node.elements.some((e) => e.dotDotDotToken !== undefined)) flag(node, 'object rest (ES2018)')
    if (ts.isForOfStatement(node) && node.awaitModifier !== undefined) flag(node, 'for await (ES2018)')
    if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) && node.asteriskToken && node.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
      flag(node, 'async generator (ES2018)')
    }
    if (ts.isRegularExpressionLiteral(node) && /\(\?<[=!]|\(\?<[a-zA-Z]|\\p\{|\/[a-z]*s[a-z]*$/.test(node.text)) flag(node, 'ES2018 regex feature')
    // ES2019+
    if (ts.isCatchClause(node) && node.variableDeclaration === undefined) flag(node, 'optional catch binding (ES2019)')
    if (node.kind === ts.SyntaxKind.QuestionDotToken) flag(node, 'optional chaining ?. (ES2020)')
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind
      if (op === ts.SyntaxKind.QuestionQuestionToken) flag(node, 'nullish coalescing ?? (ES2020)')
      if (op === ts.SyntaxKind.QuestionQuestionEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken || op === ts.SyntaxKind.AmpersandAmpersandEqualsToken) {
        flag(node, 'logical assignment (ES2021)')
      }
    }
    if (ts.isBigIntLiteral(node)) flag(node, 'BigInt literal (ES2020)')
    if (ts.isNumericLiteral(node) && node.getText(file).includes('_')) flag(node, 'numeric separator (ES2021)')
    if (ts.isPropertyDeclaration(node)) flag(node, 'class field (ES2022)')
    if (ts.isPrivateIdentifier(node)) flag(node, 'private name (ES2022)')
    if (ts.isClassStaticBlockDeclaration(node)) flag(node, 'static block (ES2022)')
    if (node.kind === ts.SyntaxKind.ImportKeyword && ts.isMetaProperty(node.parent)) flag(node, 'import.meta (ES2020)')
    if (ts.isAwaitExpression(node) && !insideFunction(node)) topLevelAwait = true
    if (ts.isForOfStatement(node) && node.awaitModifier !== undefined && !insideFunction(node)) topLevelAwait = true
    ts.forEachChild(node, visit)
  }
  visit(file)
  return { imports, exports, newerThanEs2017: newer, topLevelAwait }
}
