// The staff API: Cognito identities and the app client staff sign in with, API Gateway, and its functions.
import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import {
  AccountRecovery,
  type CfnUserPool,
  CfnUserPoolGroup,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { type DataStores, LOOKUP_INDEX_NAMES } from './data-stores';
import { OverdueFunction } from './overdue-function';

export const STAFF_GROUPS = ['collector', 'supervisor', 'legal', 'auditor', 'admin'] as const;

/**
 * The logical ids the pool and its groups had before this construct existed: a new id would make
 * CloudFormation replace the pool, and every staff account with it.
 */
const POOL_LOGICAL_ID = 'Staff35CBA1CE';
const groupLogicalId = (group: string) => `Group${group}`;

export interface StaffApiProps {
  readonly config: StageConfig;
  readonly stores: DataStores;
}

/**
 * Defaults: an invite-only pool (no self sign-up), MFA by authenticator app required, strong passwords,
 * threat protection on, the bank fixed at creation in an immutable `custom:bankId`; one app client for the
 * staff console: SRP sign-in only, no client secret (it would sit in a browser), no OAuth flows, no hint
 * whether a user exists, token lifetimes from `staffSignIn`, revocable refresh tokens. A REST API with
 * every method behind the Cognito authorizer and a request validator, throttled per stage, traced, JSON
 * access logs. GetCase reads a case and appends the view to the trail; FindCases queries the blind-index
 * GSIs (no Scan, no table read) and appends a view per case shown.
 */
export class StaffApi extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly api: RestApi;
  readonly getCase: OverdueFunction;
  readonly findCases: OverdueFunction;

  constructor(scope: Construct, id: string, props: StaffApiProps) {
    super(scope, id);
    const { config, stores } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.userPool = new UserPool(this, 'Staff', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      customAttributes: { bankId: new StringAttribute({ mutable: false, minLen: 2, maxLen: 32 }) },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      removalPolicy,
    });
    (this.userPool.node.defaultChild as CfnUserPool).overrideLogicalId(POOL_LOGICAL_ID);
    for (const group of STAFF_GROUPS) {
      new CfnUserPoolGroup(this, `Group-${group}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
      }).overrideLogicalId(groupLogicalId(group));
    }
    const signIn = config.staffSignIn;
    this.client = this.userPool.addClient('ConsoleClient', {
      userPoolClientName: `overdue-${config.stage}-staff-console`,
      authFlows: { userSrp: true },
      generateSecret: false,
      disableOAuth: true,
      // Staff may change none of their attributes but the locale through the console (left unset, the list
      // is every standard attribute): the email is the sign-in name. The bank is an immutable attribute and
      // the role a group; neither is writable by anyone signed in. One harmless attribute rather than an
      // empty list, which CloudFormation's documentation does not tell apart from an absent one.
      writeAttributes: new ClientAttributes().withStandardAttributes({ locale: true }),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(signIn.accessTokenMinutes),
      idTokenValidity: Duration.minutes(signIn.idTokenMinutes),
      refreshTokenValidity: Duration.hours(signIn.refreshTokenHours),
    });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.client.userPoolClientId });

    this.getCase = new OverdueFunction(this, 'GetCase', {
      config,
      sizing: 'getCase',
      entry: 'lambdas/handlers/api-get-case.ts',
      description: 'GET /cases/{caseId}: the masked case',
    })
      .bindTable(stores.casesTable, 'CASES_TABLE_NAME', { items: ['GetItem'] })
      .bindTable(stores.trailTable, 'TRAIL_TABLE_NAME', { items: ['PutItem'] });
    this.findCases = new OverdueFunction(this, 'FindCases', {
      config,
      sizing: 'findCases',
      entry: 'lambdas/handlers/api-find-cases.ts',
      description: 'GET /cases?mobile=…: search by blind index',
    })
      // The indexes hold keys only: the cases they name are read from the table.
      .bindTable(stores.casesTable, 'CASES_TABLE_NAME', {
        items: ['GetItem'],
        queryIndexes: LOOKUP_INDEX_NAMES,
      })
      .bindTable(stores.trailTable, 'TRAIL_TABLE_NAME', { items: ['PutItem'] })
      .bindIndexKey(stores.indexKey);

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: config.logRetention, removalPolicy });
    this.api = new RestApi(this, 'Api', {
      restApiName: `overdue-${config.stage}-staff`,
      description: 'Overdue staff API',
      cloudWatchRole: true,
      deployOptions: {
        stageName: config.stage,
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: config.api.throttlingRateLimit,
        throttlingBurstLimit: config.api.throttlingBurstLimit,
      },
    });
    const authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [this.userPool],
    });
    const validator = this.api.addRequestValidator('ValidateRequests', {
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    const cases = this.api.root.addResource('cases');
    cases.addResource('{caseId}').addMethod('GET', new LambdaIntegration(this.getCase.fn), {
      authorizer,
      authorizationType: AuthorizationType.COGNITO,
      requestValidator: validator,
      requestParameters: { 'method.request.path.caseId': true },
    });
    // Search by exactly one identifier; the handler answers 400 naming the field when it is not so.
    cases.addMethod('GET', new LambdaIntegration(this.findCases.fn), {
      authorizer,
      authorizationType: AuthorizationType.COGNITO,
      requestValidator: validator,
      requestParameters: {
        'method.request.querystring.mobile': false,
        'method.request.querystring.nationalId': false,
        'method.request.querystring.cardLast4': false,
      },
    });
  }
}
