namespace SemanticRouter.Core.Tests;

public class ProjectSmokeTests
{
    [Fact]
    public void Repository_root_is_found() => Assert.True(File.Exists(Path.Combine(SemanticRouter.Testing.RepoPaths.Root, "SemanticRouter.sln")));
}
