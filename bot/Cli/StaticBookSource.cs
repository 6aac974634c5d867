using SuccessBot.Core.Chat;
using SuccessBot.Core.Domain;

namespace SuccessBot.Cli;

/// <summary>A book loaded once, for one command-line answer.</summary>
public sealed class StaticBookSource(BookOfBusiness book) : IBookSource
{
    public BookOfBusiness Current => book;
}
