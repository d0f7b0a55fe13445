import { useCallback, useEffect, useState } from 'react';
import {
  Content,
  Header,
  Page,
  Progress,
  SignInPage,
  WarningPanel,
} from '@backstage/core-components';
import {
  configApiRef,
  discoveryApiRef,
  githubAuthApiRef,
  SignInPageProps,
  useApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import Avatar from '@mui/material/Avatar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardActions from '@mui/material/CardActions';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { DEV_USER_STORAGE_KEY, DevSignInIdentity } from './DevSignInIdentity';
import { ImpersonationAwareIdentity } from '@internal/backstage-plugin-admin';

interface DevSignInUser {
  name: string;
  displayName: string;
  email?: string;
  teams: string[];
  roles: string[];
}

const ROLE_COLOURS: Record<string, 'primary' | 'secondary' | 'default'> = {
  admin: 'secondary',
  compliance: 'primary',
};

function initials(name: string) {
  return name
    .split(/\s+/)
    .map(part => part[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
}

function DevSignIn(props: SignInPageProps) {
  const discoveryApi = useApi(discoveryApiRef);
  const { onSignInSuccess } = props;
  const [users, setUsers] = useState<DevSignInUser[]>();
  const [error, setError] = useState<Error>();
  const [signingIn, setSigningIn] = useState<string | undefined>(
    () => window.localStorage.getItem(DEV_USER_STORAGE_KEY) ?? undefined,
  );

  const signIn = useCallback(
    async (userName: string) => {
      setSigningIn(userName);
      setError(undefined);
      try {
        // while an admin's impersonation session is live, the app runs as that user
        onSignInSuccess(
          await ImpersonationAwareIdentity.wrap(
            await DevSignInIdentity.signIn({ userName, discoveryApi }),
            discoveryApi,
          ),
        );
      } catch (e) {
        window.localStorage.removeItem(DEV_USER_STORAGE_KEY);
        setSigningIn(undefined);
        setError(e as Error);
      }
    },
    [discoveryApi, onSignInSuccess],
  );

  useEffect(() => {
    const remembered = window.localStorage.getItem(DEV_USER_STORAGE_KEY);
    if (remembered) {
      signIn(remembered);
      return;
    }
    (async () => {
      const baseUrl = await discoveryApi.getBaseUrl('auth');
      const response = await fetch(`${baseUrl}/dev-sign-in/users`);
      if (!response.ok) throw await ResponseError.fromResponse(response);
      setUsers((await response.json()).users);
    })().catch(setError);
  }, [discoveryApi, signIn]);

  return (
    <Page themeId="home">
      <Header
        title="Stack Portal"
        subtitle="Development sign-in: choose who you are. Production signs in through GitHub."
      />
      <Content>
        {error && (
          <Box mb={2}>
            <WarningPanel
              severity="error"
              title="Sign-in failed"
              message={error.message}
            />
          </Box>
        )}
        {signingIn && !error && <Progress />}
        {!users && !error && !signingIn && <Progress />}
        {users && !signingIn && (
          <Grid container spacing={2} aria-label="Users who can sign in">
            {users.map(user => (
              <Grid item xs={12} sm={6} md={4} key={user.name}>
                <Card variant="outlined" data-testid={`user-card-${user.name}`}>
                  <CardContent>
                    <Stack direction="row" spacing={2} alignItems="center">
                      <Avatar>{initials(user.displayName)}</Avatar>
                      <Box>
                        <Typography variant="h6">{user.displayName}</Typography>
                        <Typography variant="body2" color="text.secondary">
                          {user.teams.join(', ') || 'No team'}
                        </Typography>
                      </Box>
                    </Stack>
                    <Stack direction="row" spacing={1} mt={2}>
                      {user.roles.map(role => (
                        <Chip
                          key={role}
                          label={role}
                          size="small"
                          color={ROLE_COLOURS[role] ?? 'default'}
                        />
                      ))}
                    </Stack>
                  </CardContent>
                  <CardActions>
                    <Button
                      variant="contained"
                      onClick={() => signIn(user.name)}
                      aria-label={`Sign in as ${user.displayName}`}
                    >
                      Sign in
                    </Button>
                  </CardActions>
                </Card>
              </Grid>
            ))}
          </Grid>
        )}
      </Content>
    </Page>
  );
}

/**
 * The development sign-in (pick a seeded user) when config enables it,
 * otherwise GitHub.
 */
export function StackPortalSignInPage(props: SignInPageProps) {
  const configApi = useApi(configApiRef);
  const discoveryApi = useApi(discoveryApiRef);
  if (configApi.getOptionalBoolean('stackPortal.devSignIn.enabled')) {
    return <DevSignIn {...props} />;
  }
  return (
    <SignInPage
      {...props}
      // while an admin's impersonation session is live, the app runs as that user
      onSignInSuccess={identity =>
        ImpersonationAwareIdentity.wrap(identity, discoveryApi).then(
          props.onSignInSuccess,
          () => props.onSignInSuccess(identity),
        )
      }
      title="Stack Portal"
      providers={[
        {
          id: 'github-auth-provider',
          title: 'GitHub',
          message: 'Sign in with your GitHub account',
          apiRef: githubAuthApiRef,
        },
      ]}
    />
  );
}
