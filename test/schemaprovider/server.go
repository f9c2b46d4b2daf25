package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// server implements tfprotov6.ProviderServer from a schema alone.
type server struct {
	provider           *tfprotov6.Schema
	resources          map[string]*tfprotov6.Schema
	dataSources        map[string]*tfprotov6.Schema
	ephemeralResources map[string]*tfprotov6.Schema
}

var _ tfprotov6.ProviderServer = (*server)(nil)

func newServer(s *tfjson.ProviderSchema) (*server, error) {
	// Refuse what the server cannot serve rather than drop it: a configuration
	// using it would then fail for a reason that has nothing to do with it.
	switch {
	case len(s.Functions) > 0:
		return nil, errors.New("provider functions are not supported")
	case len(s.ActionSchemas) > 0, len(s.ListResourceSchemas) > 0, len(s.StateStoreSchemas) > 0:
		return nil, errors.New("actions, list resources and state stores are not supported")
	}
	provider, err := convertSchema(s.ConfigSchema)
	if err != nil {
		return nil, fmt.Errorf("provider: %w", err)
	}
	resources, err := convertSchemas(s.ResourceSchemas)
	if err != nil {
		return nil, fmt.Errorf("resource %w", err)
	}
	dataSources, err := convertSchemas(s.DataSourceSchemas)
	if err != nil {
		return nil, fmt.Errorf("data source %w", err)
	}
	ephemeral, err := convertSchemas(s.EphemeralResourceSchemas)
	if err != nil {
		return nil, fmt.Errorf("ephemeral resource %w", err)
	}
	return &server{provider: provider, resources: resources, dataSources: dataSources, ephemeralResources: ephemeral}, nil
}

// errSchemaOnly answers every call that would need the real provider.
var errSchemaOnly = errors.New("schemaprovider serves a schema and plans from it: it cannot import, move or call functions")

func (s *server) GetMetadata(context.Context, *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	resp := &tfprotov6.GetMetadataResponse{}
	for _, name := range slices.Sorted(maps.Keys(s.resources)) {
		resp.Resources = append(resp.Resources, tfprotov6.ResourceMetadata{TypeName: name})
	}
	for _, name := range slices.Sorted(maps.Keys(s.dataSources)) {
		resp.DataSources = append(resp.DataSources, tfprotov6.DataSourceMetadata{TypeName: name})
	}
	for _, name := range slices.Sorted(maps.Keys(s.ephemeralResources)) {
		resp.EphemeralResources = append(resp.EphemeralResources, tfprotov6.EphemeralResourceMetadata{TypeName: name})
	}
	return resp, nil
}

func (s *server) GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return &tfprotov6.GetProviderSchemaResponse{
		Provider:                 s.provider,
		ResourceSchemas:          s.resources,
		DataSourceSchemas:        s.dataSources,
		EphemeralResourceSchemas: s.ephemeralResources,
	}, nil
}

func (s *server) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{}, nil
}

func (s *server) GetFunctions(context.Context, *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return &tfprotov6.GetFunctionsResponse{}, nil
}

// The Validate* calls leave all checking to Terraform except values given to
// computed-only attributes (see readonly.go).

func (s *server) ValidateProviderConfig(_ context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return &tfprotov6.ValidateProviderConfigResponse{
		// Terraform uses the returned config as the provider's configuration.
		PreparedConfig: req.Config,
		Diagnostics:    readOnlyDiagnostics(s.provider, req.Config),
	}, nil
}

func (s *server) ValidateResourceConfig(_ context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	schema, err := lookup(s.resources, "resource", req.TypeName)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: readOnlyDiagnostics(schema, req.Config)}, nil
}

func (s *server) ValidateDataResourceConfig(_ context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	schema, err := lookup(s.dataSources, "data source", req.TypeName)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.ValidateDataResourceConfigResponse{Diagnostics: readOnlyDiagnostics(schema, req.Config)}, nil
}

func (s *server) ValidateEphemeralResourceConfig(_ context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	schema, err := lookup(s.ephemeralResources, "ephemeral resource", req.TypeName)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.ValidateEphemeralResourceConfigResponse{Diagnostics: readOnlyDiagnostics(schema, req.Config)}, nil
}

// lookup finds a type's schema; Terraform only asks about types the provider
// served, so a miss is a bug in this provider.
func lookup(schemas map[string]*tfprotov6.Schema, kind, typeName string) (*tfprotov6.Schema, error) {
	schema, ok := schemas[typeName]
	if !ok {
		return nil, fmt.Errorf("schemaprovider: no %s type %q", kind, typeName)
	}
	return schema, nil
}

func (s *server) StopProvider(context.Context, *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return &tfprotov6.StopProviderResponse{}, nil
}

// ConfigureProvider accepts any configuration: there is no cloud to reach.
func (s *server) ConfigureProvider(context.Context, *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return &tfprotov6.ConfigureProviderResponse{}, nil
}

func (s *server) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	schema, err := lookup(s.resources, "resource", req.TypeName)
	if err != nil {
		return nil, err
	}
	return upgradeState(schema, req)
}

// ReadResource finds every object as it was: nothing changes outside.
func (s *server) ReadResource(_ context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}, nil
}

func (s *server) PlanResourceChange(_ context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	schema, err := lookup(s.resources, "resource", req.TypeName)
	if err != nil {
		return nil, err
	}
	return planResource(schema, req)
}

func (s *server) ApplyResourceChange(_ context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	schema, err := lookup(s.resources, "resource", req.TypeName)
	if err != nil {
		return nil, err
	}
	return applyResource(schema, req)
}

func (s *server) ImportResourceState(context.Context, *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return nil, errSchemaOnly
}

func (s *server) MoveResourceState(context.Context, *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return nil, errSchemaOnly
}

func (s *server) UpgradeResourceIdentity(context.Context, *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return nil, errSchemaOnly
}

func (s *server) GenerateResourceConfig(context.Context, *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return nil, errSchemaOnly
}

func (s *server) ReadDataSource(_ context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	schema, err := lookup(s.dataSources, "data source", req.TypeName)
	if err != nil {
		return nil, err
	}
	return readData(schema, req)
}

func (s *server) CallFunction(context.Context, *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return nil, errSchemaOnly
}

func (s *server) OpenEphemeralResource(context.Context, *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return nil, errSchemaOnly
}

func (s *server) RenewEphemeralResource(context.Context, *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return nil, errSchemaOnly
}

func (s *server) CloseEphemeralResource(context.Context, *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return nil, errSchemaOnly
}
