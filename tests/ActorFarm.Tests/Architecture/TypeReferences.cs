using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace ActorFarm.Tests.Architecture;

/// <summary>One type of the assembly naming another type somewhere in its metadata or IL.</summary>
/// <param name="From">The referencing type (nested types, lambdas' closures and state machines included).</param>
/// <param name="To">The referenced type, as the runtime resolves it (generic definitions, not instantiations).</param>
public sealed record TypeReference(Type From, Type To);

/// <summary>
/// Reads the compiled assembly's metadata, not its source: every type a type definition names in
/// its base type, interfaces, generic constraints, attributes, field, property, event and method
/// signatures, locals, catch clauses and the type, field and method tokens of its IL. A reference
/// that only a method body makes (<c>new X()</c>, <c>typeof(X)</c>, a call on X) counts as much as
/// one in a signature, because that is where a forbidden dependency usually hides.
/// </summary>
public static class TypeReferences
{
    // Operand kinds by opcode value (two-byte opcodes as 0xFE__), from the runtime's own table,
    // so the IL walk never needs a hand-written opcode list.
    private static readonly Dictionary<ushort, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(opCode => (ushort)opCode.Value, opCode => opCode.OperandType);

    public static IReadOnlyList<TypeReference> Read(Assembly assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly.Location));
        var reader = pe.GetMetadataReader();
        var references = new HashSet<TypeReference>();
        // Row 1 is <Module>, the holder of global members, which no namespace owns.
        var module = MetadataTokens.TypeDefinitionHandle(1);
        foreach (var definition in reader.TypeDefinitions.Where(definition => definition != module))
        {
            var from = Resolve(assembly.ManifestModule, definition);
            var collector = new Collector(reader);
            collector.AddType(definition, pe);
            foreach (var handle in collector.Named.Where(handle => handle != (EntityHandle)module))
            {
                var to = Resolve(assembly.ManifestModule, handle);
                if (to != from)
                    references.Add(new TypeReference(from, to));
            }
        }
        return [.. references];
    }

    /// <summary>The namespace a type belongs to for layering: its outermost declaring type's.</summary>
    public static string LayerNamespace(Type type)
    {
        while (type.DeclaringType is { } outer)
            type = outer;
        return type.Namespace ?? "";
    }

    private static Type Resolve(Module module, EntityHandle handle) =>
        module.ResolveType(MetadataTokens.GetToken(handle));

    /// <summary>Gathers the type definitions and type references one type definition names.</summary>
    private sealed class Collector(MetadataReader reader)
    {
        private readonly NamedTypesProvider _provider = new();
        public HashSet<EntityHandle> Named { get; } = [];

        public void AddType(TypeDefinitionHandle handle, PEReader pe)
        {
            var type = reader.GetTypeDefinition(handle);
            AddEntity(type.BaseType);
            foreach (var implementation in type.GetInterfaceImplementations())
                AddEntity(reader.GetInterfaceImplementation(implementation).Interface);
            AddGenericParameters(type.GetGenericParameters());
            AddAttributes(type.GetCustomAttributes());
            foreach (var fieldHandle in type.GetFields())
            {
                var field = reader.GetFieldDefinition(fieldHandle);
                AddAll(field.DecodeSignature(_provider, null));
                AddAttributes(field.GetCustomAttributes());
            }
            foreach (var propertyHandle in type.GetProperties())
            {
                var property = reader.GetPropertyDefinition(propertyHandle);
                AddMethodSignature(property.DecodeSignature(_provider, null));
                AddAttributes(property.GetCustomAttributes());
            }
            foreach (var eventHandle in type.GetEvents())
                AddEntity(reader.GetEventDefinition(eventHandle).Type);
            foreach (var methodHandle in type.GetMethods())
                AddMethod(reader.GetMethodDefinition(methodHandle), pe);
        }

        private void AddMethod(MethodDefinition method, PEReader pe)
        {
            AddMethodSignature(method.DecodeSignature(_provider, null));
            AddGenericParameters(method.GetGenericParameters());
            AddAttributes(method.GetCustomAttributes());
            foreach (var parameter in method.GetParameters())
                AddAttributes(reader.GetParameter(parameter).GetCustomAttributes());
            if (method.RelativeVirtualAddress == 0)
                return;
            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
                foreach (var local in reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(_provider, null))
                    AddAll(local);
            foreach (var region in body.ExceptionRegions)
                AddEntity(region.CatchType);
            AddIl(body.GetILReader());
        }

        private void AddIl(BlobReader il)
        {
            while (il.RemainingBytes > 0)
            {
                ushort code = il.ReadByte();
                if (code == 0xFE)
                    code = (ushort)(0xFE00 | il.ReadByte());
                switch (OperandTypes[code])
                {
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineSig
                        or OperandType.InlineTok or OperandType.InlineType:
                        AddEntity(MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                        il.Offset += 1;
                        break;
                    case OperandType.InlineVar:
                        il.Offset += 2;
                        break;
                    case OperandType.InlineI8 or OperandType.InlineR:
                        il.Offset += 8;
                        break;
                    case OperandType.InlineSwitch:
                        // The count first: `il.Offset += 4 * il.ReadInt32()` would read Offset
                        // before the count moved it, and land 4 bytes short.
                        var targets = il.ReadInt32();
                        il.Offset += 4 * targets;
                        break;
                    default: // InlineBrTarget, InlineI, InlineString, ShortInlineR
                        il.Offset += 4;
                        break;
                }
            }
        }

        private void AddEntity(EntityHandle handle)
        {
            if (handle.IsNil)
                return;
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition or HandleKind.TypeReference:
                    Named.Add(handle);
                    break;
                case HandleKind.TypeSpecification:
                    AddAll(reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(_provider, null));
                    break;
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    AddEntity(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                        AddMethodSignature(member.DecodeMethodSignature(_provider, null));
                    else
                        AddAll(member.DecodeFieldSignature(_provider, null));
                    break;
                case HandleKind.MethodDefinition:
                    AddEntity(reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.FieldDefinition:
                    AddEntity(reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.MethodSpecification:
                    var specification = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    AddEntity(specification.Method);
                    foreach (var argument in specification.DecodeSignature(_provider, null))
                        AddAll(argument);
                    break;
                case HandleKind.StandaloneSignature: // calli
                    AddMethodSignature(reader.GetStandaloneSignature((StandaloneSignatureHandle)handle).DecodeMethodSignature(_provider, null));
                    break;
            }
        }

        private void AddGenericParameters(GenericParameterHandleCollection parameters)
        {
            foreach (var parameter in parameters)
                foreach (var constraint in reader.GetGenericParameter(parameter).GetConstraints())
                    AddEntity(reader.GetGenericParameterConstraint(constraint).Type);
        }

        private void AddAttributes(CustomAttributeHandleCollection attributes)
        {
            foreach (var attribute in attributes)
                AddEntity(reader.GetCustomAttribute(attribute).Constructor);
        }

        private void AddMethodSignature(MethodSignature<ImmutableArray<EntityHandle>> signature)
        {
            AddAll(signature.ReturnType);
            foreach (var parameter in signature.ParameterTypes)
                AddAll(parameter);
        }

        private void AddAll(ImmutableArray<EntityHandle> handles)
        {
            foreach (var handle in handles)
                Named.Add(handle);
        }
    }

    /// <summary>Decodes a signature into the named types in it (type arguments and element types included).</summary>
    private sealed class NamedTypesProvider : ISignatureTypeProvider<ImmutableArray<EntityHandle>, object?>
    {
        private static readonly ImmutableArray<EntityHandle> None = [];

        public ImmutableArray<EntityHandle> GetPrimitiveType(PrimitiveTypeCode typeCode) => None;
        public ImmutableArray<EntityHandle> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => [handle];
        public ImmutableArray<EntityHandle> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => [handle];
        public ImmutableArray<EntityHandle> GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
        public ImmutableArray<EntityHandle> GetSZArrayType(ImmutableArray<EntityHandle> elementType) => elementType;
        public ImmutableArray<EntityHandle> GetArrayType(ImmutableArray<EntityHandle> elementType, ArrayShape shape) => elementType;
        public ImmutableArray<EntityHandle> GetByReferenceType(ImmutableArray<EntityHandle> elementType) => elementType;
        public ImmutableArray<EntityHandle> GetPointerType(ImmutableArray<EntityHandle> elementType) => elementType;
        public ImmutableArray<EntityHandle> GetPinnedType(ImmutableArray<EntityHandle> elementType) => elementType;
        public ImmutableArray<EntityHandle> GetGenericInstantiation(ImmutableArray<EntityHandle> genericType, ImmutableArray<ImmutableArray<EntityHandle>> typeArguments) =>
            genericType.AddRange(typeArguments.SelectMany(argument => argument));
        public ImmutableArray<EntityHandle> GetGenericTypeParameter(object? genericContext, int index) => None;
        public ImmutableArray<EntityHandle> GetGenericMethodParameter(object? genericContext, int index) => None;
        public ImmutableArray<EntityHandle> GetFunctionPointerType(MethodSignature<ImmutableArray<EntityHandle>> signature) =>
            signature.ReturnType.AddRange(signature.ParameterTypes.SelectMany(parameter => parameter));
        public ImmutableArray<EntityHandle> GetModifiedType(ImmutableArray<EntityHandle> modifier, ImmutableArray<EntityHandle> unmodifiedType, bool isRequired) =>
            unmodifiedType.AddRange(modifier);
    }
}
