namespace ActorFarm.Testing;

/// <summary>
/// A test that drives a real browser: skipped where Chromium is not installed, unless
/// ACTORFARM_REQUIRE_CHROMIUM=1 (CI sets it and installs Debian's chromium), in which case it runs and fails with the reason.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Find() is null && Environment.GetEnvironmentVariable("ACTORFARM_REQUIRE_CHROMIUM") != "1")
            Skip = "Chromium is not installed (apt-get install -y chromium, or run .ci/run)";
    }
}
