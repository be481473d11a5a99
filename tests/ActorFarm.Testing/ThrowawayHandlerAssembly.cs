using System.Reflection;
using System.Reflection.Emit;
using ActorFarm.Node.Execution;

namespace ActorFarm.Testing;

/// <summary>
/// Writes a real handler assembly to disk without a build (<see cref="PersistedAssemblyBuilder"/>):
/// one public handler whose constructor throws, as a broken user's assembly would.
/// </summary>
public static class ThrowawayHandlerAssembly
{
    public const string TypeName = "Throwaway.BrokenHandler";

    /// <summary>
    /// <c>&lt;directory&gt;/&lt;assemblyName&gt;.dll</c> holding <see cref="TypeName"/>, an
    /// <see cref="ITaskHandler"/> whose constructor throws <see cref="InvalidOperationException"/>
    /// with <paramref name="message"/>; returns the path.
    /// </summary>
    public static string WithThrowingConstructor(string directory, string assemblyName, string message)
    {
        var assembly = new PersistedAssemblyBuilder(new AssemblyName(assemblyName), typeof(object).Assembly);
        var module = assembly.DefineDynamicModule(assemblyName);
        var type = module.DefineType(TypeName, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class,
            typeof(object), [typeof(ITaskHandler)]);

        var constructor = type.DefineConstructor(
            MethodAttributes.Public | MethodAttributes.HideBySig | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName,
            CallingConventions.Standard, Type.EmptyTypes);
        var il = constructor.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, typeof(object).GetConstructor(Type.EmptyTypes)!);
        il.Emit(OpCodes.Ldstr, message);
        il.Emit(OpCodes.Newobj, typeof(InvalidOperationException).GetConstructor([typeof(string)])!);
        il.Emit(OpCodes.Throw);

        const MethodAttributes implementation = MethodAttributes.Public | MethodAttributes.Virtual | MethodAttributes.Final
            | MethodAttributes.NewSlot | MethodAttributes.HideBySig;
        var getName = type.DefineMethod("get_Name", implementation | MethodAttributes.SpecialName, typeof(string), Type.EmptyTypes);
        il = getName.GetILGenerator();
        il.Emit(OpCodes.Ldstr, "broken");
        il.Emit(OpCodes.Ret);
        type.DefineProperty("Name", PropertyAttributes.None, typeof(string), null).SetGetMethod(getName);
        type.DefineMethodOverride(getName, typeof(ITaskHandler).GetProperty(nameof(ITaskHandler.Name))!.GetMethod!);

        var run = type.DefineMethod(nameof(ITaskHandler.RunAsync), implementation, typeof(ValueTask<HandlerResult>),
            [typeof(HandlerContext), typeof(CancellationToken)]);
        il = run.GetILGenerator();
        il.Emit(OpCodes.Newobj, typeof(NotSupportedException).GetConstructor(Type.EmptyTypes)!);
        il.Emit(OpCodes.Throw);
        type.DefineMethodOverride(run, typeof(ITaskHandler).GetMethod(nameof(ITaskHandler.RunAsync))!);

        type.CreateType();
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, assemblyName + ".dll");
        assembly.Save(path);
        return path;
    }
}
