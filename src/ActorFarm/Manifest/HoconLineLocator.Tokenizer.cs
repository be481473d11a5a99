using System.Text;

namespace ActorFarm.Manifest;

/// <summary>The tokenizer of <see cref="HoconLineLocator"/>: strings, comments and punctuation, with lines.</summary>
internal sealed partial class HoconLineLocator
{
    /// <summary>The tokens; stops (<paramref name="truncated"/>) where braces and brackets nest too deep.</summary>
    private static List<Token> Tokenize(string text, List<(int, string)> problems, out bool truncated)
    {
        var tokens = new List<Token>();
        int i = 0, line = 1, n = text.Length, depth = 0;
        truncated = false;
        while (i < n)
        {
            char c = text[i];
            if (c == '\n') { tokens.Add(new(Kind.Newline, "", line, i)); line++; i++; continue; }
            if (char.IsWhiteSpace(c) || c == '\uFEFF') { i++; continue; }
            if (c == '#' || (c == '/' && i + 1 < n && text[i + 1] == '/'))
            {
                while (i < n && text[i] != '\n') i++;
                continue;
            }
            if (c == '"')
            {
                if (i + 2 < n && text[i + 1] == '"' && text[i + 2] == '"')
                {
                    int close = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
                    if (close < 0)
                    {
                        problems.Add((line, "unterminated triple-quoted string (\"\"\")"));
                        close = n;
                    }
                    else
                    {
                        while (close + 3 < n && text[close + 3] == '"') close++;
                    }
                    tokens.Add(new(Kind.Quoted, text[(i + 3)..close], line, i));
                    for (int k = i; k < close && k < n; k++) if (text[k] == '\n') line++;
                    i = Math.Min(n, close + 3);
                    continue;
                }
                var sb = new StringBuilder();
                int j = i + 1;
                while (j < n && text[j] != '"' && text[j] != '\n')
                {
                    if (text[j] == '\\' && j + 1 < n && text[j + 1] != '\n')
                    {
                        sb.Append(text[j + 1] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', char e => e });
                        j += 2;
                    }
                    else sb.Append(text[j++]);
                }
                tokens.Add(new(Kind.Quoted, sb.ToString(), line, i));
                if (j >= n || text[j] == '\n')
                {
                    problems.Add((line, "unterminated quoted string (a \" is missing before the end of the line)"));
                    i = j;
                }
                else i = j + 1;
                continue;
            }
            if (c == '$' && i + 1 < n && text[i + 1] == '{')
            {
                int j = i + 2;
                while (j < n && text[j] != '}' && text[j] != '\n') j++;
                tokens.Add(new(Kind.Subst, text[i..Math.Min(n, j + 1)], line, i));
                i = j < n && text[j] == '}' ? j + 1 : j;
                continue;
            }
            Kind? punct = c switch
            {
                '{' => Kind.LBrace,
                '}' => Kind.RBrace,
                '[' => Kind.LBracket,
                ']' => Kind.RBracket,
                ',' => Kind.Comma,
                '=' or ':' => Kind.Assign,
                _ => null,
            };
            if (punct is { } p)
            {
                if (p is Kind.LBrace or Kind.LBracket && ++depth > ManifestLimits.MaxNestingDepth)
                {
                    problems.Add((line, TooDeepMessage));
                    truncated = true;
                    break;
                }
                if (p is Kind.RBrace or Kind.RBracket && depth > 0) depth--;
                tokens.Add(new(p, Punctuation[(int)p], line, i));
                i++;
                continue;
            }
            if (c == '+' && i + 1 < n && text[i + 1] == '=') { tokens.Add(new(Kind.Assign, "+=", line, i)); i += 2; continue; }

            int start = i;
            while (i < n && !EndsUnquoted(text, i)) i++;
            if (i == start) i++;
            tokens.Add(new(Kind.Text, text[start..i], line, start));
        }
        return tokens;
    }

    // One string per punctuation kind: a token per character must not cost a string per character.
    private static readonly string[] Punctuation = ["", "", "", "{", "}", "[", "]", ",", "=", ""];

    private static bool EndsUnquoted(string text, int i)
    {
        char c = text[i];
        if (char.IsWhiteSpace(c)) return true;
        switch (c)
        {
            case '{' or '}' or '[' or ']' or ',' or '=' or ':' or '"' or '#':
                return true;
            case '/':
                return i + 1 < text.Length && text[i + 1] == '/';
            case '+':
                return i + 1 < text.Length && text[i + 1] == '=';
            case '$':
                return i + 1 < text.Length && text[i + 1] == '{';
            default:
                return false;
        }
    }
}
