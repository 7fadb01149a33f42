/**
 * The identity port on Cognito (issue 22): a staff user is created in the pool with the scope
 * attributes and put in the role's group; a retry of a creation finds the account made before;
 * disabling disables (never deletes). The SDK client is aws-sdk-client-mock's.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from "@aws-sdk/client-cognito-identity-provider";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { CognitoAccounts } from "#adapters/identity/cognito-accounts.ts";

const POOL = "ap-east-1_TestPool";
const cognito = mockClient(CognitoIdentityProviderClient);

const officer = {
  username: "u-7f3a",
  name: "王芳",
  phone: "13812345678",
  role: "township-officer" as const,
  countyId: "230124",
  townshipId: "230124100",
};

beforeEach(() => {
  cognito.reset();
});

describe("Cognito accounts", () => {
  it("creates the user with name, phone, county and township, adds the role's group, answers the sub", async () => {
    // Prepare
    cognito.on(AdminCreateUserCommand).resolves({
      User: { Username: officer.username, Attributes: [{ Name: "sub", Value: "sub-1111" }] },
    });
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    const accounts = new CognitoAccounts(new CognitoIdentityProviderClient({ region: "ap-east-1" }), POOL);

    // Act
    const created = await accounts.create(officer);

    // Assess
    expect(created).toEqual({ subject: "sub-1111" });
    const [create] = cognito.commandCalls(AdminCreateUserCommand);
    expect(create?.args[0].input).toMatchObject({
      UserPoolId: POOL,
      Username: "u-7f3a",
      DesiredDeliveryMediums: ["SMS"],
    });
    expect(create?.args[0].input.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: "name", Value: "王芳" },
        { Name: "phone_number", Value: "+8613812345678" },
        { Name: "custom:county", Value: "230124" },
        { Name: "custom:township", Value: "230124100" },
      ]),
    );
    expect(cognito.commandCalls(AdminAddUserToGroupCommand).map((c) => c.args[0].input)).toEqual([
      { UserPoolId: POOL, Username: "u-7f3a", GroupName: "township-officer" },
    ]);
  });

  it("a county-wide role carries no township attribute", async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: "sub", Value: "sub-2" }] } });
    const accounts = new CognitoAccounts(new CognitoIdentityProviderClient({ region: "ap-east-1" }), POOL);
    const { townshipId: _, ...finance } = officer;
    await accounts.create({ ...finance, role: "county-finance" });
    const names = cognito
      .commandCalls(AdminCreateUserCommand)[0]
      ?.args[0].input.UserAttributes?.map((a) => a.Name);
    expect(names).not.toContain("custom:township");
    expect(names).toContain("custom:county");
  });

  it("a retried creation finds the account an earlier attempt made and still adds the group", async () => {
    cognito
      .on(AdminCreateUserCommand)
      .rejects(new UsernameExistsException({ message: "User account already exists", $metadata: {} }));
    cognito.on(AdminGetUserCommand).resolves({ UserAttributes: [{ Name: "sub", Value: "sub-1111" }] });
    const accounts = new CognitoAccounts(new CognitoIdentityProviderClient({ region: "ap-east-1" }), POOL);
    expect(await accounts.create(officer)).toEqual({ subject: "sub-1111" });
    expect(cognito.commandCalls(AdminGetUserCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      Username: "u-7f3a",
    });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)).toHaveLength(1);
  });

  it("another failure of the pool is not taken for an existing account", async () => {
    cognito
      .on(AdminCreateUserCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" }));
    const accounts = new CognitoAccounts(new CognitoIdentityProviderClient({ region: "ap-east-1" }), POOL);
    await expect(accounts.create(officer)).rejects.toThrow("Rate exceeded");
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)).toHaveLength(0);
  });

  it("disabling disables the account, revokes its refresh tokens and deletes nothing", async () => {
    cognito.on(AdminDisableUserCommand).resolves({});
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    const accounts = new CognitoAccounts(new CognitoIdentityProviderClient({ region: "ap-east-1" }), POOL);
    await accounts.disable("u-7f3a");
    expect(cognito.commandCalls(AdminDisableUserCommand).map((c) => c.args[0].input)).toEqual([
      { UserPoolId: POOL, Username: "u-7f3a" },
    ]);
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand).map((c) => c.args[0].input)).toEqual([
      { UserPoolId: POOL, Username: "u-7f3a" },
    ]);
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(0);
  });
});
