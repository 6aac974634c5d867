using System.Runtime.CompilerServices;

namespace SuccessBot.Tests;

internal static class SuiteSettings
{
    /// <summary>
    /// Every host of the suite waits for its book before it listens: on a busy two-core CI machine a demo book can take longer
    /// than the default 3 s, and a test would read "Starting up" instead of the answer it checks.
    /// </summary>
    [ModuleInitializer]
    internal static void HostsWaitForTheirBook() => Environment.SetEnvironmentVariable("Storage__StartWaitSeconds", "300");
}
